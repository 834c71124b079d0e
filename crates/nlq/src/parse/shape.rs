//! The question's shape: counting, aggregation and superlative words, grouping grain,
//! top-n, "most common", comparatives and order in time, read from the words left free
//! after comparisons, dates and links.

use super::{State, Use};
use crate::lexicon::{
    agg_word, grain_word, is_group_word, is_stopword, superlative_concept, CHRONOLOGICAL,
    CHRONOLOGICAL_DESCENDING, DISTINCT_WORDS, OCCURS_WORDS, PERIOD_ADJECTIVES, SUPERLATIVES,
    SUPERLATIVES_DESCENDING, TIME_WORDS, TOP_N_DESCENDING, TOP_N_WORDS,
};
use crate::link::Link;
use crate::plan::{Agg, Grain};
use crate::text::Kind;

/// The question's shape: what is asked for, how it is grouped and ordered.
#[derive(Debug, Default)]
pub(super) struct Shape {
    pub(super) count: bool,
    pub(super) distinct: bool,
    /// Explicit aggregation and the token it sits on.
    pub(super) aggs: Vec<(usize, Agg)>,
    /// Superlative direction and where ("highest", "most", "coldest").
    pub(super) superlative: Option<(usize, bool)>,
    /// Concept of a superlative adjective ("coldest" -> temperature).
    pub(super) concept: Option<(&'static [&'static str], bool)>,
    pub(super) most_common: Option<bool>,
    pub(super) top: Option<(usize, u64, bool)>,
    pub(super) grain: Option<Grain>,
    pub(super) asks_entity: bool,
    /// The noun a count or superlative is about when it names no column ("penguins").
    pub(super) entity_word: Option<usize>,
    pub(super) rate: bool,
    /// "who scored more points, A or B": a comparison between named rows.
    pub(super) comparative: Option<bool>,
    /// Token of "first"/"last" read as order in time.
    pub(super) time_order: Option<usize>,
}

impl Shape {
    pub(super) fn read(st: &State, links: &[Link]) -> Shape {
        let mut s = Shape::default();
        let n = st.toks.len();
        let linked = |i: usize| matches!(st.uses.get(i), Some(Use::Link(_)));
        for i in 0..n {
            let w = st.w(i);
            let free = st.uses[i] == Use::Free || st.uses[i] == Use::Lexicon;
            match w {
                "how" if matches!(st.w(i + 1), "many" | "often") => {
                    s.count = true;
                    s.entity_word = next_entity(st, i + 2);
                }
                "how" if st.w(i + 1) == "much" => {}
                "number" if st.w(i + 1) == "of" && free => {
                    s.count = true;
                    s.entity_word = next_entity(st, i + 2);
                }
                "count" if free => {
                    s.count = true;
                    s.entity_word = next_entity(st, i + 1);
                }
                "distinct" | "unique" | "different" => s.distinct = true,
                "which" | "what" | "who" | "whose" | "name" | "list" | "when" | "where" => {
                    s.asks_entity = true
                }
                "rate" | "percentage" | "proportion" | "share" | "ratio" if free => s.rate = true,
                "common" | "frequent" | "popular" | "often" | "frequently"
                    if i > 0 && matches!(st.w(i - 1), "most" | "least") =>
                {
                    s.most_common = Some(st.w(i - 1) == "most");
                }
                // "which month is listed the least", "appears most often".
                "most" | "least"
                    if i > 1
                        && (st.w(i - 1) == "the" || OCCURS_WORDS.contains(&st.w(i - 1)))
                        && (OCCURS_WORDS.contains(&st.w(i - 2)) || matches!(st.w(i - 2), "is" | "was"))
                        // "what is the most wins" names what is maximized.
                        && !linked(i + 1) =>
                {
                    s.most_common = Some(w == "most");
                }
                "more" | "higher" | "greater" | "larger" | "bigger" | "better" | "longer"
                    if st.w(i + 1) != "than" =>
                {
                    s.comparative = Some(true);
                }
                "less" | "fewer" | "lower" | "smaller" | "worse" | "shorter"
                    if st.w(i + 1) != "than" =>
                {
                    s.comparative = Some(false);
                }
                _ => {}
            }
            if !free {
                continue;
            }
            if let Some(g) = grain_word(w).and_then(Grain::parse) {
                let prev = if i > 0 { st.w(i - 1) } else { "" };
                let adjective = PERIOD_ADJECTIVES.contains(&w);
                let grouped = is_group_word(prev)
                    || matches!(prev, "the" | "every") && i > 1 && is_group_word(st.w(i - 2));
                if adjective
                    || grouped
                    || (w == "years" && prev == "the" && st.w(i.saturating_sub(2)) == "over")
                {
                    s.grain = Some(g);
                }
            }
            if w == "time" && i > 0 && st.w(i - 1) == "over" || w == "trend" {
                s.grain = s.grain.or(Some(Grain::Month));
            }
            // "top 5", "bottom 3", "5 highest", "first 10".
            if TOP_N_WORDS.contains(&w) {
                if let Some(k) = st.toks.get(i + 1).and_then(|t| t.number()) {
                    let desc = TOP_N_DESCENDING.contains(&w);
                    s.top = Some((i, k.max(1.0) as u64, desc));
                    continue;
                }
            }
            if let Some(k) = st.toks[i].number() {
                if SUPERLATIVES.contains(&st.w(i + 1)) && i > 0 && st.w(i - 1) != "than" {
                    let desc = SUPERLATIVES_DESCENDING.contains(&st.w(i + 1));
                    s.top = Some((i, k.max(1.0) as u64, desc));
                }
            }
            if let Some(concept) = superlative_concept(w) {
                s.concept = Some(concept);
                s.superlative = Some((i, concept.1));
                continue;
            }
            // "the last season", "the first game", "earliest film": order by the table's time.
            let has_time = st.cat.time_column().is_some() || st.cat.year_column().is_some();
            let chrono = CHRONOLOGICAL.contains(&w);
            if chrono && has_time && s.top.is_none_or(|t| t.0 != i) && s.concept.is_none() {
                let desc = CHRONOLOGICAL_DESCENDING.contains(&w);
                s.concept = Some((TIME_WORDS, desc));
                s.superlative = Some((i, desc));
                s.time_order = Some(i);
                continue;
            }
            if let Some(a) = agg_word(w) {
                // "top" alone means the maximum; "most"/"least" are handled below.
                if matches!(a, Agg::Max | Agg::Min) {
                    s.superlative = s.superlative.or(Some((i, a == Agg::Max)));
                }
                s.aggs.push((i, a));
            }
            if matches!(w, "most" | "least" | "fewest") && s.most_common.is_none() {
                let desc = w == "most";
                s.superlative = s.superlative.or(Some((i, desc)));
                if !linked(i + 1) && st.toks.get(i + 1).is_some_and(|t| t.kind == Kind::Word) {
                    // "the most penguins": a count of the entity.
                    let nxt = next_entity(st, i + 1);
                    if nxt.is_some() && superlative_concept(st.w(i + 1)).is_none() {
                        s.entity_word = nxt;
                        s.most_common = Some(desc);
                    } else if let Some(c) = superlative_concept(st.w(i + 1)) {
                        s.concept = Some((c.0, if desc { c.1 } else { !c.1 }));
                        s.superlative = Some((i, if desc { c.1 } else { !c.1 }));
                    }
                }
            }
        }
        let _ = links;
        s
    }
}

/// The next free content word (the thing counted: "penguins", "invoices").
fn next_entity(st: &State, from: usize) -> Option<usize> {
    // "how many times was the game aired": the rows counted are named after the verb.
    let from = if st.w(from) == "times" {
        from + 1
    } else {
        from
    };
    (from..st.toks.len().min(from + 3)).find(|&k| {
        st.uses[k] == Use::Free
            && st.toks[k].kind == Kind::Word
            && !is_stopword(st.w(k))
            && !(DISTINCT_WORDS.contains(&st.w(k)) || st.w(k) == "total")
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ctx, sales, weather, Reading};
    use super::Shape;
    use crate::catalog::Catalog;
    use crate::plan::{Agg, Grain};

    fn shape_of(schema: &crate::Schema, q: &str) -> Shape {
        let ctx = ctx();
        let cat = Catalog::new(schema);
        Reading::new(q, &cat, &ctx).shape()
    }

    #[test]
    fn counts_and_what_they_count() {
        let s = shape_of(&sales(), "how many penguins");
        assert!(s.count && !s.distinct);
        assert_eq!(s.entity_word, Some(2));
        assert!(shape_of(&sales(), "number of different regions").distinct);
    }

    #[test]
    fn top_n_and_most_common() {
        let s = shape_of(&sales(), "top 5 regions by revenue");
        assert_eq!(s.top, Some((0, 5, true)));
        let s = shape_of(&sales(), "the 3 lowest units");
        assert_eq!(s.top, Some((1, 3, false)));
        let s = shape_of(&sales(), "the most common payment");
        assert_eq!(s.most_common, Some(true));
    }

    #[test]
    fn grain_from_grouping_words() {
        assert_eq!(
            shape_of(&sales(), "monthly revenue").grain,
            Some(Grain::Month)
        );
        assert_eq!(
            shape_of(&sales(), "revenue per week").grain,
            Some(Grain::Week)
        );
        assert_eq!(
            shape_of(&sales(), "revenue over time").grain,
            Some(Grain::Month)
        );
        assert_eq!(shape_of(&sales(), "revenue this year").grain, None);
    }

    #[test]
    fn aggregations_and_superlatives() {
        let s = shape_of(&sales(), "average revenue");
        assert_eq!(s.aggs, [(0, Agg::Avg)]);
        let s = shape_of(&weather(), "the coldest day");
        assert_eq!(s.superlative, Some((1, false)));
        assert!(s.concept.is_some());
        // "first"/"last" over a table with dates: order in time.
        let s = shape_of(&sales(), "the last order");
        assert_eq!(s.time_order, Some(1));
    }
}
