//! Why a question could not be turned into a query (or the query could not be rendered). The messages are shown to the user
//! as they are, followed by suggested questions.

/// A question the parser cannot ground in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Nothing left to read once the enumerator ("1.", "Question 2:") is stripped.
    #[error("The question is empty.")]
    EmptyQuestion,
    /// A superlative adjective ("coldest") names a concept no column measures.
    #[error("I could not tell which column that superlative refers to.")]
    SuperlativeColumn,
    /// "correlation" with fewer than two numeric columns named.
    #[error("A correlation needs two numeric columns.")]
    CorrelationColumns,
    /// A lookup ("which county ...") with nothing that picks its rows.
    #[error("I could not tell which rows you mean.")]
    UnknownRows,
    /// No measure, count or grouping found.
    #[error("I could not find what to measure in this question.")]
    NoMeasure,
    /// The rendered SQL does not parse: a bug in the renderer, reported instead of run.
    #[error("I could not build a query: {0}.")]
    InvalidSql(String),
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn messages_are_the_texts_users_saw_before() {
        let cases = [
            (Error::EmptyQuestion, "The question is empty."),
            (
                Error::SuperlativeColumn,
                "I could not tell which column that superlative refers to.",
            ),
            (
                Error::CorrelationColumns,
                "A correlation needs two numeric columns.",
            ),
            (Error::UnknownRows, "I could not tell which rows you mean."),
            (
                Error::NoMeasure,
                "I could not find what to measure in this question.",
            ),
            (
                Error::InvalidSql("unexpected token".into()),
                "I could not build a query: unexpected token.",
            ),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
    }
}
