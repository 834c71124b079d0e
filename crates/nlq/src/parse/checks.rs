//! Plausibility checks: readings that are well-formed SQL but unlikely answers lose
//! confidence, so the engine asks instead of guessing.

use super::confidence::{ROW_POSITIONS, TEXT_ARITHMETIC, WHICH_ANSWERED_BY_NUMBER};
use super::filters::SUMMARY_PHRASE;
use super::shape::Shape;
use super::{State, Use};
use crate::lexicon::{is_stopword, CHOICE_OPENERS, IRREGULAR_PAST, SCORED_UNITS};
use crate::link::{Link, Target};
use crate::plan::{Agg, Measure, Plan};
use crate::text::Kind;
use crate::ColumnType;

/// A past-tense or participle verb ("aired", "played", "won").
pub(super) fn is_past_verb(w: &str) -> bool {
    (w.len() > 4 && w.ends_with("ed")) || IRREGULAR_PAST.contains(&w)
}

/// Lower the confidence of plans that are well-formed SQL but unlikely readings.
pub(super) fn sanity(st: &mut State, plan: &mut Plan) {
    let mut seen = Vec::new();
    plan.measures.retain(|m| {
        let dup = seen.contains(m);
        seen.push(m.clone());
        !dup
    });
    let mut seen_dims = Vec::new();
    plan.dims.retain(|d| {
        let dup = seen_dims.contains(d);
        seen_dims.push(d.clone());
        !dup
    });
    let cat = st.cat;
    if plan.limit.is_some() && plan.dims.is_empty() && plan.select.is_empty() {
        // "the first three teams": row positions, which a table does not have.
        st.penalty *= ROW_POSITIONS;
    }
    let text_math = plan.measures.iter().any(|m| {
        !matches!(m.agg, Agg::Count | Agg::CountDistinct | Agg::CountNull)
            && m.column.is_some_and(|c| {
                let t = cat.col(c).data_type;
                !t.is_numeric() && !t.is_temporal()
            })
    });
    if text_math {
        st.penalty *= TEXT_ARITHMETIC;
    }
    // "the number of painters who scored 12" is a count with a relative clause, not a
    // question asking which painter.
    let counts = plan.measures.len() == 1 && plan.measures[0].agg == Agg::Count;
    let asks_which = st.toks.iter().enumerate().any(|(i, t)| {
        let which = matches!(t.norm.as_str(), "which" | "who" | "whom")
            || (i == 0 && matches!(t.norm.as_str(), "when" | "where"))
            // "what nation ...": a text column asked for.
            || (t.norm == "what"
                && matches!(st.uses.get(i + 1), Some(Use::Link(_)))
                && st.toks.get(i + 1).is_some_and(|_| {
                    text_link_at(st, i + 1)
                }));
        which
            && !(counts && i > 0 && st.toks[i - 1].kind == Kind::Word && !is_stopword(st.w(i - 1)))
    });
    if asks_which && plan.dims.is_empty() && plan.select.is_empty() && plan.correlation.is_none() {
        // "which X ..." answered with a bare number: X was not found.
        st.penalty *= WHICH_ANSWERED_BY_NUMBER;
    }
}

/// Two values of one column joined by "or" in a question that asks to choose one.
pub(super) fn unpicked_either(st: &State, links: &[Link], plan: &Plan) -> bool {
    let values: Vec<(usize, usize, usize)> = links
        .iter()
        .filter_map(|l| match l.target {
            Target::Value(c, _) => Some((l.start, l.end, c)),
            _ => None,
        })
        .collect();
    let pair = values.windows(2).find_map(|w| {
        let joined =
            w[0].2 == w[1].2 && w[1].0 > w[0].1 && (w[0].1..w[1].0).any(|k| st.w(k) == "or");
        joined.then_some(w[0].2)
    });
    let choose = CHOICE_OPENERS.contains(&st.w(0)) || !plan.select.is_empty();
    // "which model is a diesel, the tour or the aspect": another value does the choosing.
    let chosen_by_filter = pair.is_some_and(|c| {
        plan.filters
            .iter()
            .any(|f| f.column != c && f.phrase != SUMMARY_PHRASE && !f.phrase.is_empty())
    });
    pair.is_some() && choose && !chosen_by_filter
}

/// "how many points/goals/votes ...": amounts held in cells, which a row count misreads.
pub(super) fn counts_a_quantity(st: &State, shape: &Shape, plan: &Plan) -> bool {
    let count_rows = matches!(
        plan.measures.as_slice(),
        [Measure {
            agg: Agg::Count,
            column: None
        }]
    );
    count_rows
        && shape
            .entity_word
            .is_some_and(|k| SCORED_UNITS.contains(&st.w(k)))
}

/// Whether the token at `i` is part of a link to a text column.
fn text_link_at(st: &State, i: usize) -> bool {
    let Some(Use::Link(k)) = st.uses.get(i) else {
        return false;
    };
    st.link_targets.get(*k).is_some_and(
        |t| matches!(t, Target::Column(c) if st.cat.col(*c).data_type == ColumnType::String),
    )
}
