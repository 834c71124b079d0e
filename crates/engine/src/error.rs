//! The engine's one error enum: one variant per cause, each with a stable code.
//! `is_user_error` separates what a person can fix (4xx) from internal faults (5xx).

use std::path::PathBuf;

/// Result alias used throughout the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in ingest, profiling, querying, export and storage.
///
/// Messages are written for the person who uploaded the file or typed the SQL:
/// they say what is wrong and what to do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- ingest: file-level problems -------------------------------------------------
    #[error("the file is empty; upload a file with a header row and at least one data row")]
    EmptyFile,
    #[error("the file has a header row but no data rows; add at least one row of data")]
    HeaderOnly,
    #[error("the file does not look like text ({reason}); upload a CSV, TSV, XLSX or JSON file")]
    BinaryFile { reason: String },
    #[error("unsupported file type `{extension}`; upload .csv, .tsv, .txt, .xlsx or .json")]
    UnsupportedFormat { extension: String },
    #[error("the file is larger than the {limit_bytes}-byte limit")]
    FileTooLarge { limit_bytes: u64 },
    #[error("line {line} has {found} fields but the header has {expected}; fix that row (a stray delimiter or a missing quote is the usual cause)")]
    RaggedRows {
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error(
        "a quoted field starting on line {line} is never closed; add the missing closing quote"
    )]
    UnterminatedQuote { line: u64 },
    #[error("a single field on line {line} is {size_bytes} bytes, more than the {limit_bytes}-byte limit per value")]
    FieldTooLarge {
        line: u64,
        size_bytes: usize,
        limit_bytes: usize,
    },
    #[error("the file is declared as {encoding} but line {line} is not valid {encoding}; re-save it as UTF-8")]
    InvalidEncoding { encoding: String, line: u64 },
    #[error("the file has more than {limit} columns")]
    TooManyColumns { limit: usize },
    #[error("the JSON must be an array of objects or one object per line (NDJSON); found {found}")]
    JsonNotTabular { found: String },
    #[error("the JSON is nested more than {limit} levels deep; flatten it to one object per row")]
    JsonTooDeep { limit: usize },
    #[error("the JSON is not valid at line {line}, column {column}: {message}")]
    InvalidJson {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the file is not a valid XLSX workbook ({reason}); save it from Excel as .xlsx or export it as CSV")]
    InvalidXlsx { reason: String },
    #[error("the XLSX file expands to more than {limit_bytes} bytes when unpacked; it may be a zip bomb")]
    XlsxTooLarge { limit_bytes: u64 },
    #[error("the workbook has no sheet named `{sheet}`; sheets: {available}")]
    SheetNotFound { sheet: String, available: String },

    // ---- query: refused or failed SQL -------------------------------------------------
    #[error("only a single SELECT query is allowed; {statement} statements cannot be run here")]
    SqlNotAllowed { statement: String },
    #[error("only one SQL statement can be run at a time; remove everything after the first `;`")]
    MultipleStatements,
    #[error("the SQL is empty; write a SELECT query")]
    EmptySql,
    #[error("SQL syntax error{}: {message}", position.map(|(l, c)| format!(" at line {l}, column {c}")).unwrap_or_default())]
    SqlSyntax {
        message: String,
        /// (line, column), 1-based, when the parser reported one.
        position: Option<(u64, u64)>,
    },
    #[error("unknown column `{column}`{}", suggest(suggestions))]
    UnknownColumn {
        column: String,
        suggestions: Vec<String>,
    },
    #[error("unknown table `{table}`{}", suggest(suggestions))]
    UnknownTable {
        table: String,
        suggestions: Vec<String>,
    },
    #[error("unknown function `{function}`{}", suggest(suggestions))]
    UnknownFunction {
        function: String,
        suggestions: Vec<String>,
    },
    #[error("type mismatch: {message}")]
    TypeMismatch { message: String },
    #[error("the query is not valid: {message}")]
    InvalidQuery { message: String },
    #[error("the query took longer than {seconds} s and was stopped; filter the data or aggregate before joining")]
    QueryTimeout { seconds: u64 },
    #[error("the query needed more than the {limit_bytes}-byte memory limit and was stopped; aggregate, filter or add a LIMIT")]
    QueryMemoryExceeded { limit_bytes: usize },
    #[error("the query would build about {rows} rows in one step (a join without a condition?), more than the {limit} allowed; add join conditions or filters")]
    QueryTooLarge { rows: u64, limit: u64 },
    #[error("the query failed while running: {message}")]
    QueryFailed { message: String },

    // ---- storage -----------------------------------------------------------------------
    #[error("no stored object at `{key}`")]
    NotFound { key: String },
    #[error("invalid storage key `{key}`: {reason}")]
    InvalidKey { key: String, reason: String },

    // ---- internal ----------------------------------------------------------------------
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("internal engine error: {0}")]
    Internal(String),
}

fn suggest(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean `{one}`?"),
        many => format!(
            "; did you mean one of {}?",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl Error {
    /// A stable snake_case code the web app and API clients can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::EmptyFile => "empty_file",
            Error::HeaderOnly => "header_only",
            Error::BinaryFile { .. } => "binary_file",
            Error::UnsupportedFormat { .. } => "unsupported_format",
            Error::FileTooLarge { .. } => "file_too_large",
            Error::RaggedRows { .. } => "ragged_rows",
            Error::UnterminatedQuote { .. } => "unterminated_quote",
            Error::FieldTooLarge { .. } => "field_too_large",
            Error::InvalidEncoding { .. } => "invalid_encoding",
            Error::TooManyColumns { .. } => "too_many_columns",
            Error::JsonNotTabular { .. } => "json_not_tabular",
            Error::JsonTooDeep { .. } => "json_too_deep",
            Error::InvalidJson { .. } => "invalid_json",
            Error::InvalidXlsx { .. } => "invalid_xlsx",
            Error::XlsxTooLarge { .. } => "xlsx_too_large",
            Error::SheetNotFound { .. } => "sheet_not_found",
            Error::SqlNotAllowed { .. } => "sql_not_allowed",
            Error::MultipleStatements => "multiple_statements",
            Error::EmptySql => "empty_sql",
            Error::SqlSyntax { .. } => "sql_syntax",
            Error::UnknownColumn { .. } => "unknown_column",
            Error::UnknownTable { .. } => "unknown_table",
            Error::UnknownFunction { .. } => "unknown_function",
            Error::TypeMismatch { .. } => "type_mismatch",
            Error::InvalidQuery { .. } => "invalid_query",
            Error::QueryTimeout { .. } => "query_timeout",
            Error::QueryMemoryExceeded { .. } => "query_memory_exceeded",
            Error::QueryTooLarge { .. } => "query_too_large",
            Error::QueryFailed { .. } => "query_failed",
            Error::NotFound { .. } => "not_found",
            Error::InvalidKey { .. } => "invalid_key",
            Error::Io { .. } => "io_error",
            Error::Internal(_) => "internal",
        }
    }

    /// True when the person who sent the file or the SQL can fix it (answer 4xx);
    /// false for faults of the machine or the engine (answer 500 and log).
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            Error::Io { .. }
                | Error::Internal(_)
                | Error::NotFound { .. }
                | Error::InvalidKey { .. }
        )
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
        Error::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_user_errors_are_flagged() {
        let e = Error::UnknownColumn {
            column: "revnue".into(),
            suggestions: vec!["revenue".into()],
        };
        assert_eq!(e.code(), "unknown_column");
        assert!(e.is_user_error());
        assert_eq!(
            e.to_string(),
            "unknown column `revnue`; did you mean `revenue`?"
        );
        assert!(!Error::Internal("x".into()).is_user_error());
        let s = Error::SqlSyntax {
            message: "Expected end".into(),
            position: Some((1, 8)),
        };
        assert_eq!(
            s.to_string(),
            "SQL syntax error at line 1, column 8: Expected end"
        );
    }
}
