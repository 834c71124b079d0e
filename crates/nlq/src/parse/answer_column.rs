//! Which column answers a question when the question does not name one: the row label
//! for "which country ...", the people column for "who ...", the Total column for
//! "how many medals did X win".

use super::{State, Use};
use crate::catalog::Catalog;
use crate::lexicon::{
    agg_word, is_stopword, superlative_concept, FILLER, HARD, PERSON, RANK_WORDS,
};
use crate::plan::{Filter, Op};
use crate::text::Kind;
use crate::ColumnType;

/// The free noun asked for after "which"/"what" ("which country ...", "what was the last
/// game ..."), if it names nothing in the table.
pub(super) fn asked_noun(st: &State) -> Option<usize> {
    let q = (0..st.toks.len()).find(|&i| matches!(st.w(i), "which" | "what"))?;
    for k in q + 1..st.toks.len().min(q + 5) {
        let t = &st.toks[k];
        if t.kind != Kind::Word {
            return None;
        }
        let w = t.norm.as_str();
        let skip = is_stopword(w)
            || RANK_WORDS.contains(&w)
            || agg_word(w).is_some()
            || superlative_concept(w).is_some();
        if matches!(st.uses[k], Use::Link(_)) {
            return None;
        }
        if skip {
            continue;
        }
        let noun = st.uses[k] == Use::Free && !FILLER.contains(&w) && !HARD.contains(&w);
        return noun.then_some(k);
    }
    None
}

/// The text column that names each row: nearly every value different.
pub(super) fn label_column(cat: &Catalog, filters: &[Filter]) -> Option<usize> {
    cat.columns
        .iter()
        .filter(|c| cat.col(c.index).data_type == ColumnType::String)
        .filter(|c| {
            !filters
                .iter()
                .any(|f| f.column == c.index && f.op != Op::Ne)
        })
        .find(|c| c.uniqueness >= 0.8)
        .map(|c| c.index)
}

/// A numeric column named just "Total" (medal tables, vote tables).
pub(super) fn total_column(cat: &Catalog) -> Option<usize> {
    cat.columns
        .iter()
        .find(|c| {
            c.words.len() == 1
                && c.words[0].word == "total"
                && cat.col(c.index).data_type.is_numeric()
        })
        .map(|c| c.index)
}

/// Whether a column's name says it holds people or teams ("Player", "Driver").
pub(super) fn names_people(cat: &Catalog, c: usize) -> bool {
    cat.columns[c]
        .words
        .iter()
        .any(|w| PERSON.contains(&w.word.as_str()))
}

/// The column naming people or teams, for "who" questions.
pub(super) fn person_column(cat: &Catalog, filters: &[Filter]) -> Option<usize> {
    let texts: Vec<&crate::catalog::ColumnInfo> = cat
        .columns
        .iter()
        .filter(|c| cat.col(c.index).data_type == ColumnType::String)
        .filter(|c| !filters.iter().any(|f| f.column == c.index))
        .collect();
    texts
        .iter()
        .find(|c| c.words.iter().any(|w| PERSON.contains(&w.word.as_str())))
        .or_else(|| texts.iter().find(|c| c.uniqueness >= 0.8))
        .map(|c| c.index)
}
