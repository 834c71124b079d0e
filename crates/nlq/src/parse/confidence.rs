//! How sure the parser is. Every factor that lowers confidence is named here, with why;
//! the parse multiplies them in as it meets each doubt, and [`score`] ends with the words
//! of the question nothing explained. Below [`crate::MIN_CONFIDENCE`] the engine asks
//! instead of answering.

use super::checks::{counts_a_quantity, is_past_verb};
use super::count::reread_pinned;
use super::filters::SUMMARY_PHRASE;
use super::shape::Shape;
use super::{State, Use};
use crate::lexicon::{agg_word, grain_word, is_stopword, FILLER, HARD, UNITS};
use crate::link::{Link, Target};
use crate::plan::Plan;
use crate::text::Kind;

// Comparisons (filters.rs).
/// The comparison was given the only numeric column named, not one written next to it.
pub const GUESSED_COMPARISON_COLUMN: f32 = 0.7;
/// A comparison no column could be found for is a constraint the plan drops.
pub const UNATTACHED_COMPARISON: f32 = 0.3;

// Dates (filters.rs).
/// Several date phrases are read as one range spanning them all, which may not be meant.
pub const SEVERAL_DATE_PHRASES: f32 = 0.8;
/// Only a year column to filter on, but the dates are not whole years: they cannot be applied.
pub const PARTIAL_YEARS: f32 = 0.3;

// Roles and aggregation (roles.rs, aggregate.rs).
/// Several columns matched equally and the question's direction did not pick one.
pub const UNRESOLVED_TIE: f32 = 0.55;
/// No aggregation word: the column's default (sum or average) is a guess, a small one.
pub const DEFAULT_AGGREGATION: f32 = 0.95;
/// Only grouping columns named: counting rows per group is a guess at what is measured.
pub const COUNT_FOR_GROUPS: f32 = 0.7;

// Plausibility checks (checks.rs).
/// "the first three teams" with nothing to rank by: row positions, which a table lacks.
pub const ROW_POSITIONS: f32 = 0.3;
/// Summing or averaging a text column is never a real answer.
pub const TEXT_ARITHMETIC: f32 = 0.2;
/// "which X ..." answered with a bare number: X was not found.
pub const WHICH_ANSWERED_BY_NUMBER: f32 = 0.35;
/// "A or B" in a question asking to choose, answered without choosing between them.
pub const UNPICKED_EITHER: f32 = 0.3;

// Words nothing explained (score).
/// An order, sequence or comparison word between rows: beyond what the plan expresses.
pub const ROW_RELATION_WORD: f32 = 0.35;
/// A number or quoted text that constrains nothing is a constraint dropped.
pub const DROPPED_CONSTRAINT: f32 = 0.45;
/// A content word nothing explained: the question may ask for more than the plan does.
pub const UNEXPLAINED_WORD: f32 = 0.7;
/// A past verb when the rows are pinned to a value ("games aired on NBC") says little more.
pub const PAST_VERB_NEAR_VALUE: f32 = 0.85;
/// A row count over one pinned row answers 1; the question meant a value of that row.
pub const PINNED_COUNT: f32 = 0.3;
/// "how many points": points are numbers in cells, not rows to count.
pub const COUNTED_QUANTITY: f32 = 0.4;
/// Each column or value found only by spelling tolerance may be the wrong one.
pub const FUZZY_LINK: f32 = 0.92;

/// Confidence from the penalties gathered while parsing and the words nothing explained
/// (which are returned); may re-read a count over a pinned row (see [`reread_pinned`]).
pub(super) fn score(
    st: &mut State,
    links: &[Link],
    shape: &Shape,
    plan: &mut Plan,
) -> (f32, Vec<String>) {
    let cat = st.cat;
    let mut unexplained = Vec::new();
    for (i, t) in st.toks.iter().enumerate() {
        if st.uses[i] != Use::Free {
            continue;
        }
        let top_word =
            shape.top.is_some_and(|(k, _, _)| k == i || k + 1 == i) || shape.time_order == Some(i);
        // The words that asked for a correlation are explained by it.
        let correlation_word = plan.correlation.is_some()
            && (t.stem.starts_with("correl")
                || t.stem.starts_with("coeffici")
                || matches!(t.norm.as_str(), "between" | "relationship"));
        if correlation_word {
            continue;
        }
        if HARD.contains(&t.norm.as_str()) && !top_word {
            // Order, sequence and comparison between rows: beyond what the plan expresses.
            st.penalty *= ROW_RELATION_WORD;
            unexplained.push(t.raw.clone());
            continue;
        }
        if matches!(t.kind, Kind::Number { .. } | Kind::Quoted) && !top_word {
            // A number or quoted text that constrains nothing is a constraint we dropped.
            st.penalty *= DROPPED_CONSTRAINT;
            unexplained.push(t.raw.clone());
            continue;
        }
        if t.kind != Kind::Word {
            continue;
        }
        if is_stopword(&t.norm)
            || FILLER.contains(&t.norm.as_str())
            || UNITS.contains(&t.norm.as_str())
            || shape.entity_word == Some(i)
        {
            continue;
        }
        if agg_word(&t.norm).is_some() || grain_word(&t.norm).is_some() {
            continue;
        }
        unexplained.push(t.raw.clone());
    }
    let mut confidence = st.penalty;
    // Questions pinned to a value found in the question ("how many games were aired on
    // NBC", "who completed the race in the same time as X"): a verb saying how the rows
    // relate to the value changes little.
    let counts_value = links.iter().any(|l| matches!(l.target, Target::Value(..)))
        || plan.date_range.is_some()
        || plan
            .filters
            .iter()
            .any(|f| f.phrase != SUMMARY_PHRASE && !f.phrase.is_empty());
    for w in &unexplained {
        if !HARD.contains(&w.to_lowercase().as_str()) && w.chars().any(|c| c.is_alphabetic()) {
            confidence *= if counts_value && is_past_verb(&w.to_lowercase()) {
                PAST_VERB_NEAR_VALUE
            } else {
                UNEXPLAINED_WORD
            };
        }
    }
    // Counting rows after pinning a near-unique column ("how many medals did Norway win")
    // answers 1: the question meant a value of that row, which we did not find.
    if reread_pinned(cat, links, plan) {
        confidence *= PINNED_COUNT;
    }
    if counts_a_quantity(st, shape, plan) {
        // "how many points did they score": points are a number in a cell, not rows.
        confidence *= COUNTED_QUANTITY;
    }
    for l in links {
        if l.fuzzy {
            confidence *= FUZZY_LINK;
        }
    }
    (confidence, unexplained)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ctx, sales, Reading};
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn every_factor_lowers_confidence() {
        let table = [
            GUESSED_COMPARISON_COLUMN,
            UNATTACHED_COMPARISON,
            SEVERAL_DATE_PHRASES,
            PARTIAL_YEARS,
            UNRESOLVED_TIE,
            DEFAULT_AGGREGATION,
            COUNT_FOR_GROUPS,
            ROW_POSITIONS,
            TEXT_ARITHMETIC,
            WHICH_ANSWERED_BY_NUMBER,
            UNPICKED_EITHER,
            ROW_RELATION_WORD,
            DROPPED_CONSTRAINT,
            UNEXPLAINED_WORD,
            PAST_VERB_NEAR_VALUE,
            PINNED_COUNT,
            COUNTED_QUANTITY,
            FUZZY_LINK,
        ];
        assert!(table.iter().all(|f| *f > 0.0 && *f < 1.0));
    }

    fn scored(q: &str) -> (f32, Vec<String>) {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new(q, &cat, &ctx);
        let shape = r.shape();
        score(&mut r.st, &r.links, &shape, &mut r.plan)
    }

    #[test]
    fn words_nothing_explains_cost_confidence() {
        assert_eq!(scored("total revenue by region"), (1.0, vec![]));
        assert_eq!(
            scored("total revenue flibbertigibbet"),
            (UNEXPLAINED_WORD, vec!["flibbertigibbet".to_string()])
        );
        // A word about order between rows costs more, once.
        assert_eq!(
            scored("total revenue before"),
            (ROW_RELATION_WORD, vec!["before".to_string()])
        );
    }
}
