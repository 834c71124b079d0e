//! Comparisons with numbers: "more than 20", "at least 5", "between 1000 and 2000",
//! "5 or more", bare numbers next to a numeric column ("with 774 households"), and the
//! column each comparison is about.

use super::{State, Use};
use crate::link::{Link, Target};
use crate::plan::Op;
use crate::text::{Kind, Token};

/// A comparison found in the question, before it becomes a filter.
#[derive(Debug, Clone)]
pub(super) struct Comparison {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) op: Op,
    pub(super) values: Vec<f64>,
    pub(super) column: Option<usize>,
    /// Attached to the only numeric column in the question, not one named next to it.
    pub(super) guessed: bool,
}

/// "more than 20", "at least 5", "between 1000 and 2000", "5 or more", "not above 3".
pub(super) fn comparisons(st: &mut State) -> Vec<Comparison> {
    let mut out = Vec::new();
    let n = st.toks.len();
    let mut i = 0;
    while i < n {
        let w = st.w(i).to_string();
        let w2 = st.w(i + 1).to_string();
        let (op, len) = match (w.as_str(), w2.as_str()) {
            ("more" | "greater" | "higher" | "larger" | "bigger" | "longer" | "older", "than") => {
                (Some(Op::Gt), 2)
            }
            ("less" | "fewer" | "lower" | "smaller" | "shorter" | "younger", "than") => {
                (Some(Op::Lt), 2)
            }
            ("at", "least") | ("no", "less") | ("minimum", "of") => (Some(Op::Ge), 2),
            ("at", "most") | ("no", "more") | ("maximum", "of") => (Some(Op::Le), 2),
            ("over" | "above" | "exceeding" | "exceeds" | "exceed" | "beyond", _) => {
                (Some(Op::Gt), 1)
            }
            ("under" | "below", _) => (Some(Op::Lt), 1),
            ("equal", "to") | ("equals", _) | ("exactly", _) => {
                (Some(Op::Eq), if w == "equal" { 2 } else { 1 })
            }
            ("between", _) => (Some(Op::Between), 1),
            _ => (None, 0),
        };
        let Some(mut op) = op else {
            i += 1;
            continue;
        };
        // "no less than" / "no more than"
        let mut j = i + len;
        if matches!(w.as_str(), "no") && st.w(j) == "than" {
            j += 1;
        }
        let negated = i > 0 && st.w(i - 1) == "not";
        let Some(v1) = st.toks.get(j).and_then(num_for_compare) else {
            i += 1;
            continue;
        };
        let mut values = vec![v1];
        let mut end = j + 1;
        if op == Op::Between {
            if st.w(end) == "and" || st.w(end) == "to" {
                if let Some(v2) = st.toks.get(end + 1).and_then(num_for_compare) {
                    values.push(v2);
                    end += 2;
                }
            }
            if values.len() != 2 {
                i += 1;
                continue;
            }
        }
        if negated {
            op = match op {
                Op::Gt => Op::Le,
                Op::Lt => Op::Ge,
                Op::Ge => Op::Lt,
                Op::Le => Op::Gt,
                o => o,
            };
        }
        let start = if negated { i - 1 } else { i };
        st.claim(start, end, Use::Compare(out.len()));
        out.push(Comparison {
            start,
            end,
            op,
            values,
            column: None,
            guessed: false,
        });
        i = end;
    }
    // Postfix forms: "5 or more", "10 or less".
    for i in 0..n.saturating_sub(2) {
        if st.uses[i] != Use::Free || st.w(i + 1) != "or" {
            continue;
        }
        let op = match st.w(i + 2) {
            "more" | "greater" | "higher" | "above" => Op::Ge,
            "less" | "fewer" | "lower" | "below" => Op::Le,
            _ => continue,
        };
        if let Some(v) = st.toks.get(i).and_then(num_for_compare) {
            st.claim(i, i + 3, Use::Compare(out.len()));
            out.push(Comparison {
                start: i,
                end: i + 3,
                op,
                values: vec![v],
                column: None,
                guessed: false,
            });
        }
    }
    out
}

fn num_for_compare(t: &Token) -> Option<f64> {
    match t.kind {
        Kind::Number {
            value,
            ordinal: false,
            ..
        } => Some(value),
        _ => None,
    }
}

/// Equality tests the question writes without a comparison word: "had no gold medals",
/// "has 774 households", "8 episodes".
pub(super) fn bare_number_filters(st: &mut State, links: &[Link], comps: &mut Vec<Comparison>) {
    // "had no gold medals": a numeric column equal to zero.
    for l in links {
        let Target::Column(c) = l.target else {
            continue;
        };
        if l.start == 0 || !st.cat.col(c).data_type.is_numeric() {
            continue;
        }
        let k = l.start - 1;
        if st.uses[k] == Use::Free && matches!(st.w(k), "no" | "zero") {
            st.claim(k, k + 1, Use::Compare(comps.len()));
            comps.push(Comparison {
                start: k,
                end: l.end,
                op: Op::Eq,
                values: vec![0.0],
                column: Some(c),
                guessed: false,
            });
        }
    }
    for i in 0..st.toks.len() {
        if st.uses[i] != Use::Free {
            continue;
        }
        let Some(v) = st.toks[i].number() else {
            continue;
        };
        if matches!(st.toks[i].kind, Kind::Number { digits: false, .. }) {
            continue;
        }
        if i > 0 && matches!(st.w(i - 1), "top" | "bottom" | "first" | "last") {
            continue;
        }
        // Column named just before ("rating of 5", "with 774 households").
        // Column named just after ("8 episodes", "12 in composition", "14 for color").
        let after = links.iter().find(|l| {
            l.start == i + 1 || (l.start == i + 2 && matches!(st.w(i + 1), "in" | "for"))
        });
        let before = links.iter().find(|l| {
            l.end == i || (l.end + 1 == i && matches!(st.w(i - 1), "of" | "is" | "was" | "="))
        });
        let col = [after, before]
            .into_iter()
            .flatten()
            .find_map(|l| match l.target {
                Target::Column(c) if st.cat.col(c).data_type.is_numeric() => Some(c),
                _ => None,
            });
        if let Some(c) = col {
            st.claim(i, i + 1, Use::Compare(comps.len()));
            comps.push(Comparison {
                start: i,
                end: i + 1,
                op: Op::Eq,
                values: vec![v],
                column: Some(c),
                guessed: false,
            });
        }
    }
}

/// Give each comparison the column it talks about: named just before the comparison
/// ("a total above 1000") or just after the number ("over 2 carats", "20 mm of rain").
pub(super) fn attach_comparisons(st: &State, links: &[Link], comps: &mut [Comparison]) {
    let numeric = |l: &Link| match l.target {
        Target::Column(c)
            if st.cat.col(c).data_type.is_numeric() || st.cat.col(c).data_type.is_temporal() =>
        {
            Some(c)
        }
        _ => None,
    };
    for c in comps.iter_mut() {
        if c.column.is_some() {
            continue;
        }
        let after = links
            .iter()
            .filter(|l| l.start >= c.end && l.start <= c.end + 3)
            .filter(|l| {
                (c.end..l.start).all(|k| {
                    st.uses[k] == Use::Free && !matches!(st.w(k), "and" | "or" | "by" | "per")
                })
            })
            .find_map(numeric);
        let before = links
            .iter()
            .rev()
            .filter(|l| l.end <= c.start && l.end + 3 >= c.start)
            .filter(|l| (l.end..c.start).all(|k| st.uses[k] == Use::Free))
            .find_map(numeric);
        c.column = after.or(before).or_else(|| {
            // Only one numeric column named anywhere: probably the one compared.
            let mut nums = links.iter().filter_map(numeric);
            let first = nums.next();
            if nums.next().is_none() && first.is_some() {
                c.guessed = true;
                first
            } else {
                None
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ctx, sales, state, Reading};
    use super::comparisons;
    use crate::catalog::Catalog;
    use crate::plan::Op;

    /// (op, values) of the comparisons found in the tokens alone.
    fn found(q: &str) -> Vec<(Op, Vec<f64>)> {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut st = state(q, &cat, &ctx);
        comparisons(&mut st)
            .into_iter()
            .map(|c| (c.op, c.values))
            .collect()
    }

    #[test]
    fn comparison_words_and_their_numbers() {
        assert_eq!(found("more than 20"), [(Op::Gt, vec![20.0])]);
        assert_eq!(found("at least 5"), [(Op::Ge, vec![5.0])]);
        assert_eq!(
            found("between 1000 and 2000"),
            [(Op::Between, vec![1000.0, 2000.0])]
        );
        // Negation flips the direction; postfix forms include the bound.
        assert_eq!(found("not above 3"), [(Op::Le, vec![3.0])]);
        assert_eq!(found("5 or more"), [(Op::Ge, vec![5.0])]);
        // No number, or a "between" with one bound: no comparison.
        assert!(found("more than usual").is_empty());
        assert!(found("between 5 regions").is_empty());
    }

    #[test]
    fn comparisons_claim_their_tokens() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut st = state("units more than 20", &cat, &ctx);
        let comps = comparisons(&mut st);
        assert_eq!((comps[0].start, comps[0].end), (1, 4));
        assert!(st.free()[0] && !st.free()[1] && !st.free()[3]);
    }

    #[test]
    fn each_comparison_gets_the_column_named_next_to_it() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        // Named after the number.
        let r = Reading::new("orders with more than 20 units", &cat, &ctx);
        assert_eq!(r.comps[0].column, Some(5));
        assert!(!r.comps[0].guessed);
        // Named before the comparison.
        let r = Reading::new("revenue above 1000", &cat, &ctx);
        assert_eq!(r.comps[0].column, Some(4));
        // A bare number next to a numeric column is an equality test.
        let r = Reading::new("orders with 12 units", &cat, &ctx);
        assert_eq!(
            (r.comps[0].op, &r.comps[0].values, r.comps[0].column),
            (Op::Eq, &vec![12.0], Some(5))
        );
    }
}
