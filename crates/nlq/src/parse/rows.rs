//! Questions about particular rows relative to other rows: neighbours in table order
//! ("who came in after X", "the previous ship to X"), the first or last row listed,
//! differences between two rows or two columns ("the difference in gold between A and B",
//! "how many more X than Y") and rows sharing a value with a named row ("which countries
//! won the same number of golds as X").
//!
//! Each reading needs a grounded anchor: a value of a text column found in the question.
//! Without one the question falls through to the ordinary parser, which abstains on the
//! order words it cannot place.

use super::{phrase, State, Use};
use crate::catalog::Role;
use crate::lexicon::{LISTED, ROW_AFTER, ROW_BEFORE};
use crate::link::{Link, Target};
use crate::plan::{Filter, Lit, Op, Plan, RowQuery, Side};
use crate::text::Kind;
use crate::ColumnType;

/// A value of a text column named in the question.
struct Anchor {
    start: usize,
    end: usize,
    column: usize,
    value: String,
    /// How many rows hold the value (from the value index).
    rows: u64,
}

fn anchors(st: &State, links: &[Link]) -> Vec<Anchor> {
    links
        .iter()
        .filter_map(|l| match &l.target {
            Target::Value(c, v) if st.cat.col(*c).data_type == ColumnType::String => Some(Anchor {
                start: l.start,
                end: l.end,
                column: *c,
                value: v.clone(),
                rows: st.cat.columns[*c]
                    .values
                    .iter()
                    .find(|e| e.text == *v)
                    .map_or(0, |e| e.count),
            }),
            _ => None,
        })
        .collect()
}

fn anchor_filter(st: &State, a: &Anchor) -> Filter {
    Filter {
        column: a.column,
        op: Op::Eq,
        values: vec![Lit::Str(a.value.clone())],
        phrase: phrase(&st.toks, a.start, a.end),
    }
}

/// Columns named in the question (not values), with where they start: exact and
/// synonym links in question order first, then those found by spelling tolerance.
fn column_links(links: &[Link]) -> Vec<(usize, usize)> {
    let mut cols: Vec<(bool, usize, usize)> = links
        .iter()
        .filter_map(|l| match l.target {
            Target::Column(c) => Some((l.fuzzy, l.start, c)),
            _ => None,
        })
        .collect();
    cols.sort();
    cols.into_iter().map(|(_, s, c)| (s, c)).collect()
}

fn asks_who(st: &State) -> bool {
    st.toks
        .iter()
        .any(|t| matches!(t.norm.as_str(), "who" | "whom" | "whose"))
}

/// Drop the plan filters the anchors became, so they do not narrow the rows twice.
fn remove_anchor_filters(plan: &mut Plan, used: &[&Anchor]) {
    plan.filters.retain(|f| {
        !used.iter().any(|a| {
            f.column == a.column
                && f.values
                    .iter()
                    .any(|v| matches!(v, Lit::Str(s) if *s == a.value))
        })
    });
}

/// Read a row-relative question; claims the words it explains.
pub(super) fn read(st: &mut State, links: &[Link], plan: &mut Plan) -> Option<RowQuery> {
    let anchors = anchors(st, links);
    difference(st, links, &anchors, plan)
        .or_else(|| either(st, links, &anchors, plan))
        .or_else(|| same_as(st, links, &anchors, plan))
        .or_else(|| neighbor(st, links, &anchors, plan))
        .or_else(|| edge(st, links, plan))
}

/// "how many ...", "the number of ..." (but not "the same number of golds as").
fn asks_count(st: &State) -> bool {
    (0..st.toks.len()).any(|i| {
        (st.w(i) == "how" && st.w(i + 1) == "many")
            || (st.w(i) == "number" && st.w(i + 1) == "of" && (i == 0 || st.w(i - 1) != "same"))
    })
}

fn position(st: &State, pred: impl Fn(&str) -> bool) -> Option<usize> {
    (0..st.toks.len()).find(|&i| st.uses[i] == Use::Free && pred(st.w(i)))
}

/// Numeric columns named in the question that no filter uses.
fn measures_named(st: &State, links: &[Link], plan: &Plan) -> Vec<(usize, usize)> {
    column_links(links)
        .into_iter()
        .filter(|&(_, c)| {
            st.cat.col(c).data_type.is_numeric()
                && st.cat.columns[c].role == Role::Measure
                && !plan.filters.iter().any(|f| f.column == c)
        })
        .collect()
}

/// "the difference in X between A and B", "how many more X did A have than B",
/// "the difference between X and Y in A" (two columns of one row).
fn difference(
    st: &mut State,
    links: &[Link],
    anchors: &[Anchor],
    plan: &mut Plan,
) -> Option<RowQuery> {
    let diff_word = position(st, |w| matches!(w, "difference" | "differ"));
    let more = (0..st.toks.len()).find(|&i| {
        st.w(i) == "how"
            && matches!(st.w(i + 1), "many" | "much")
            && matches!(st.w(i + 2), "more" | "less" | "fewer")
    });
    let than = position(st, |w| w == "than");
    let (key, abs) = match (diff_word, more, than) {
        (Some(d), _, _) => (d, true),
        (None, Some(m), Some(t)) if t > m => (m, false),
        _ => return None,
    };
    let mut measures = measures_named(st, links, plan);
    if measures.is_empty() {
        // "the difference in medal count between A and B": the count lives in Total.
        measures.extend(super::answer_column::total_column(st.cat).map(|t| (0, t)));
    }
    let rest: Vec<Filter> = plan.filters.clone();
    let side = |column: Option<usize>, anchor: Option<&Anchor>| {
        let mut filters = rest.clone();
        if let Some(a) = anchor {
            filters.retain(|f| f.column != a.column);
            filters.push(anchor_filter(st, a));
        }
        Side { column, filters }
    };
    let q = match (anchors, measures.as_slice()) {
        // Two rows of one column, one measure: "gold between A and B".
        ([a, b], [(_, m), ..]) if a.column == b.column => {
            let q = RowQuery::Difference {
                a: side(Some(*m), Some(a)),
                b: side(Some(*m), Some(b)),
                abs,
            };
            remove_anchor_filters(plan, &[a, b]);
            q
        }
        // One row, two measures: "the obama votes and the mccain votes in X".
        ([a], [(_, m1), (_, m2)]) => {
            let q = RowQuery::Difference {
                a: side(Some(*m1), Some(a)),
                b: side(Some(*m2), Some(a)),
                abs,
            };
            remove_anchor_filters(plan, &[a]);
            q
        }
        _ => return None,
    };
    st.claim(key, key + if abs { 1 } else { 3 }, Use::Lexicon);
    for k in 0..st.toks.len() {
        if matches!(st.w(k), "than" | "between") && st.uses[k] == Use::Free {
            st.claim(k, k + 1, Use::Lexicon);
        }
    }
    Some(q)
}

/// Comparative words and the direction they rank in; `true` marks words about time
/// ("earlier", "first"), which rank by the table's date or year when no column is named.
fn comparative(w: &str) -> Option<(bool, bool)> {
    Some(match w {
        "more" | "higher" | "greater" | "larger" | "bigger" | "most" | "highest" | "better" => {
            (true, false)
        }
        "less" | "fewer" | "lower" | "smaller" | "least" | "fewest" | "lowest" => (false, false),
        "later" | "last" | "latest" | "newer" | "recent" => (true, true),
        "earlier" | "first" | "sooner" | "older" | "earliest" => (false, true),
        _ => return None,
    })
}

/// "which came out first, A or B", "who scored more goals, A or B": two values of one
/// column joined by "or", ranked by the column the comparison names.
fn either(st: &mut State, links: &[Link], anchors: &[Anchor], plan: &mut Plan) -> Option<RowQuery> {
    let (a, b) = anchors.windows(2).find_map(|w| {
        let (a, b) = (&w[0], &w[1]);
        let joined = a.column == b.column
            && b.start > a.end
            && b.start - a.end <= 2
            && (a.end..b.start).any(|k| st.w(k) == "or");
        joined.then_some((a, b))
    })?;
    let (word, (desc, about_time)) = (0..st.toks.len())
        .filter(|&k| st.uses[k] == Use::Free && st.w(k + 1) != "than")
        .find_map(|k| Some((k, comparative(st.w(k))?)))?;
    let named = measures_named(st, links, plan)
        .into_iter()
        .map(|(_, c)| c)
        .find(|&c| c != a.column);
    let by = match named {
        Some(c) => c,
        None if about_time => st.cat.time_column().or_else(|| st.cat.year_column())?,
        None => return None,
    };
    let among = Filter {
        column: a.column,
        op: Op::In,
        values: vec![Lit::Str(a.value.clone()), Lit::Str(b.value.clone())],
        phrase: phrase(&st.toks, a.start, b.end),
    };
    remove_anchor_filters(plan, &[a, b]);
    st.claim(word, word + 1, Use::Lexicon);
    Some(RowQuery::Pick {
        among,
        select: a.column,
        by,
        desc,
    })
}

/// "which X has the same Y as A", "how many have the same Y as A".
fn same_as(
    st: &mut State,
    links: &[Link],
    anchors: &[Anchor],
    plan: &mut Plan,
) -> Option<RowQuery> {
    let same = position(st, |w| w == "same")?;
    let as_ = (same + 1..st.toks.len().min(same + 11)).find(|&i| st.w(i) == "as")?;
    // "the same number of times as X" compares counts of rows, which this does not do.
    if (same..as_).any(|k| st.w(k) == "times") {
        return None;
    }
    let anchor = anchors.iter().find(|a| a.start > as_ && a.rows == 1)?;
    let cols = column_links(links);
    // The compared column: named between "same" and "as", else just before "same".
    let column = cols
        .iter()
        .find(|(s, c)| *s > same && *s < as_ && *c != anchor.column)
        .or_else(|| {
            cols.iter()
                .rev()
                .find(|(s, c)| *s < same && *c != anchor.column)
        })
        .map(|&(_, c)| c)?;
    // What is asked for: a text column named before "same", else the anchor's column.
    let select = cols
        .iter()
        .find(|(s, c)| *s < same && *c != column && st.cat.col(*c).data_type == ColumnType::String)
        .map(|&(_, c)| c)
        .unwrap_or(anchor.column);
    let q = RowQuery::SameAs {
        anchor: anchor_filter(st, anchor),
        column,
        select,
        count: asks_count(st),
    };
    remove_anchor_filters(plan, &[anchor]);
    st.claim(same, same + 1, Use::Lexicon);
    st.claim(as_, as_ + 1, Use::Lexicon);
    Some(q)
}

/// "who came in after A", "the next X after A", "what was the previous X to A",
/// "how many X are above A".
fn neighbor(
    st: &mut State,
    links: &[Link],
    anchors: &[Anchor],
    plan: &mut Plan,
) -> Option<RowQuery> {
    // The order word closest before the anchor ("the next airline listed after A"), which
    // must follow it closely ("after petra", "previous ship to sibir"). Only a value held
    // by exactly one row says which row to step from.
    let (word, after, anchor) = (0..st.toks.len()).rev().find_map(|i| {
        if st.uses[i] != Use::Free {
            return None;
        }
        let w = st.w(i);
        let after = if ROW_AFTER.contains(&w) {
            true
        } else if ROW_BEFORE.contains(&w) {
            false
        } else {
            return None;
        };
        let anchor = anchors
            .iter()
            .find(|a| a.start > i && a.start <= i + 5)
            .filter(|a| a.rows == 1)?;
        Some((i, after, anchor))
    })?;
    let between_ok = (word + 1..anchor.start).all(|k| {
        matches!(st.uses[k], Use::Free | Use::Link(_))
            && !matches!(st.toks[k].kind, Kind::Number { .. })
    });
    if !between_ok {
        return None;
    }
    // Order words pointing both ways ("after A, before B") need more than a neighbour;
    // the same way twice ("the next airline listed after A") is one step.
    let order_words: Vec<usize> = (0..st.toks.len())
        .filter(|&k| st.uses[k] == Use::Free)
        .filter(|&k| ROW_AFTER.contains(&st.w(k)) || ROW_BEFORE.contains(&st.w(k)))
        .collect();
    if order_words
        .iter()
        .any(|&k| ROW_AFTER.contains(&st.w(k)) != after)
    {
        return None;
    }
    let q = if asks_count(st) {
        RowQuery::CountBeyond {
            anchor: anchor_filter(st, anchor),
            after,
        }
    } else {
        // What is asked for: a column named outside the anchor, else the anchor's column
        // ("who came in after A" names the same kind of thing as A).
        // "who" asks for the same kind of thing as the anchor (a person).
        let select = column_links(links)
            .into_iter()
            .find(|&(s, c)| {
                (s < anchor.start || s >= anchor.end)
                    && !plan
                        .filters
                        .iter()
                        .any(|f| f.column == c && c != anchor.column)
            })
            .map(|(_, c)| c)
            .filter(|_| !asks_who(st))
            .unwrap_or(anchor.column);
        RowQuery::Neighbor {
            anchor: anchor_filter(st, anchor),
            offset: if after { 1 } else { -1 },
            select,
        }
    };
    remove_anchor_filters(plan, &[anchor]);
    for k in order_words {
        st.claim(k, k + 1, Use::Lexicon);
    }
    if let Some(k) = (word + 1..anchor.start).find(|&k| st.w(k) == "to") {
        st.claim(k, k + 1, Use::Lexicon);
    }
    Some(q)
}

/// "the last club listed", "the top city on the table": the first or last row as listed.
fn edge(st: &mut State, links: &[Link], plan: &mut Plan) -> Option<RowQuery> {
    let listed = st.toks.iter().any(|t| LISTED.contains(&t.norm.as_str()));
    let (word, last) = (0..st.toks.len()).find_map(|i| {
        if st.uses[i] != Use::Free {
            return None;
        }
        match st.w(i) {
            "first" | "top" => Some((i, false)),
            "last" | "bottom" | "final" => Some((i, true)),
            _ => None,
        }
    })?;
    if st.toks.get(word + 1).is_some_and(|t| t.number().is_some()) {
        return None;
    }
    // The table's own order only when the question says "listed", or when the table has
    // no time column that "first" and "last" could mean instead.
    let has_time = st.cat.time_column().is_some() || st.cat.year_column().is_some();
    if !listed && has_time {
        return None;
    }
    // "what year was the last school ...": the thing asked must be a column.
    if super::answer_column::asked_noun(st).is_some() {
        return None;
    }
    // The column next to the order word ("the last club", "which city is first"); for
    // "who" without one, a column named for people (a guessed one is too often notes).
    let who = asks_who(st);
    let near: Vec<(usize, usize)> = column_links(links)
        .into_iter()
        .filter(|&(_, c)| !plan.filters.iter().any(|f| f.column == c))
        // "who was the top ranked athlete": a person is not the rank.
        .filter(|&(_, c)| !who || st.cat.col(c).data_type == ColumnType::String)
        .collect();
    let select = near
        .iter()
        .find(|&&(s, _)| s > word && s <= word + 3)
        .or_else(|| near.iter().rev().find(|&&(s, _)| s < word && s + 3 >= word))
        .map(|&(_, c)| c)
        .or_else(|| {
            super::answer_column::person_column(st.cat, &plan.filters)
                .filter(|&c| who && super::answer_column::names_people(st.cat, c))
        })?;
    st.claim(word, word + 1, Use::Lexicon);
    for k in 0..st.toks.len() {
        if LISTED.contains(&st.w(k)) && st.uses[k] == Use::Free {
            st.claim(k, k + 1, Use::Lexicon);
        }
    }
    Some(RowQuery::Edge { select, last })
}
