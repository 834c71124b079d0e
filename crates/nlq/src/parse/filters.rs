//! Filters: comparisons, date phrases and values found in the question narrow the rows;
//! a table's own summary row ("Total") is left out.

use super::comparisons::Comparison;
use super::confidence::{
    GUESSED_COMPARISON_COLUMN, PARTIAL_YEARS, SEVERAL_DATE_PHRASES, UNATTACHED_COMPARISON,
};
use super::{phrase, State, Use};
use crate::catalog::Catalog;
use crate::dates::{self, DateHit};
use crate::lexicon::{NEGATIONS, SUMMARY_LABELS};
use crate::link::{Link, Target};
use crate::plan::{DateRange, Filter, Lit, Op, Plan};
use crate::ColumnType;
use chrono::Datelike;

/// Date phrases of the question, claimed; only when the table has something to filter
/// them on (a date column, else a year column).
pub(super) fn find_dates(
    st: &mut State,
    time_col: Option<usize>,
    year_col: Option<usize>,
) -> Vec<DateHit> {
    let cat = st.cat;
    if time_col.is_some() || year_col.is_some() {
        let data_year = time_col
            .and_then(|c| json_year(&cat.col(c).max))
            .or_else(|| year_col.and_then(|c| cat.col(c).max.as_ref()?.as_f64().map(|v| v as i32)))
            .unwrap_or(st.ctx.today.year());
        let h = dates::find(&st.toks, &st.free(), st.ctx.today, data_year);
        for (k, d) in h.iter().enumerate() {
            st.claim(d.start, d.end, Use::Date(k));
        }
        h
    } else {
        Vec::new()
    }
}

fn json_year(v: &Option<serde_json::Value>) -> Option<i32> {
    let s = v.as_ref()?.as_str()?;
    s.get(..4)?.parse().ok()
}

/// Each comparison becomes a filter on its column (a year when the column is a date);
/// a comparison with no column is a constraint dropped.
pub(super) fn comparison_filters(st: &mut State, comps: &[Comparison], plan: &mut Plan) {
    let cat = st.cat;
    for c in comps {
        if c.guessed {
            st.penalty *= GUESSED_COMPARISON_COLUMN;
        }
        let Some(col) = c.column else {
            st.penalty *= UNATTACHED_COMPARISON;
            continue;
        };
        let ty = cat.col(col).data_type;
        if ty.is_temporal() {
            // A number compared with a date column means a year.
            let years: Vec<Lit> = c
                .values
                .iter()
                .map(|y| Lit::Date(chrono::NaiveDate::from_ymd_opt(*y as i32, 1, 1).unwrap()))
                .collect();
            plan.filters.push(Filter {
                column: col,
                op: c.op,
                values: years,
                phrase: phrase(&st.toks, c.start, c.end),
            });
            continue;
        }
        plan.filters.push(Filter {
            column: col,
            op: c.op,
            values: c.values.iter().map(|v| Lit::Num(*v)).collect(),
            phrase: phrase(&st.toks, c.start, c.end),
        });
    }
}

pub(super) fn apply_dates(
    st: &mut State,
    hits: &[DateHit],
    time_col: Option<usize>,
    year_col: Option<usize>,
    plan: &mut Plan,
    notes: &mut Vec<String>,
) {
    let Some(h) = hits.first() else { return };
    // Several phrases: take the widest span of them all ("from 2013 to 2014" is one already).
    let from = hits.iter().map(|h| h.from).min().unwrap_or(h.from);
    let to = hits.iter().map(|h| h.to).max().unwrap_or(h.to);
    let phrase = hits
        .iter()
        .map(|h| h.phrase.clone())
        .collect::<Vec<_>>()
        .join(", ");
    if hits.len() > 1 {
        st.penalty *= SEVERAL_DATE_PHRASES;
    }
    if let Some(c) = time_col {
        notes.push(format!("{phrase} = {from} .. {to}"));
        plan.date_range = Some(DateRange {
            column: c,
            phrase,
            start: from,
            end: to,
        });
    } else if let Some(c) = year_col {
        if !hits.iter().all(|h| h.whole_years) {
            st.penalty *= PARTIAL_YEARS;
            return;
        }
        let (a, b) = (from.year() as f64, to.year() as f64);
        let (op, values) = if a == b {
            (Op::Eq, vec![Lit::Num(a)])
        } else if to.year() >= 9999 {
            (Op::Ge, vec![Lit::Num(a)])
        } else if from.year() <= 1 {
            (Op::Le, vec![Lit::Num(b)])
        } else {
            (Op::Between, vec![Lit::Num(a), Lit::Num(b)])
        };
        plan.filters.push(Filter {
            column: c,
            op,
            values,
            phrase,
        });
    }
}

/// Values found in the question become equality filters (several of one column: IN).
pub(super) fn value_filters(st: &State, links: &[Link], plan: &mut Plan) {
    let mut by_col: Vec<(usize, Vec<String>, String, bool)> = Vec::new();
    for l in links {
        if let Target::Value(c, v) = &l.target {
            let negated = l.start > 0 && NEGATIONS.contains(&st.w(l.start - 1));
            match by_col
                .iter_mut()
                .find(|(cc, _, _, n)| cc == c && *n == negated)
            {
                Some(e) => e.1.push(v.clone()),
                None => by_col.push((
                    *c,
                    vec![v.clone()],
                    phrase(&st.toks, l.start, l.end),
                    negated,
                )),
            }
        }
    }
    for (c, vals, ph, negated) in by_col {
        let lits: Vec<Lit> = vals.iter().map(|v| typed_value(st, c, v)).collect();
        let op = match (lits.len(), negated) {
            (1, false) => Op::Eq,
            (1, true) => Op::Ne,
            _ => Op::In,
        };
        plan.filters.push(Filter {
            column: c,
            op,
            values: lits,
            phrase: ph,
        });
    }
}

fn typed_value(st: &State, c: usize, v: &str) -> Lit {
    match st.cat.col(c).data_type {
        ColumnType::Integer | ColumnType::Float => {
            v.parse().map(Lit::Num).unwrap_or(Lit::Str(v.to_string()))
        }
        ColumnType::Boolean => Lit::Bool(v.eq_ignore_ascii_case("true")),
        _ => Lit::Str(v.to_string()),
    }
}

/// The phrase of the filters that leave out a summary row.
pub(super) const SUMMARY_PHRASE: &str = "(summary row excluded)";

/// Spreadsheet tables often carry a "Total" row; it must not be counted or ranked.
pub(super) fn exclude_summary_rows(cat: &Catalog, plan: &mut Plan) {
    for c in &cat.columns {
        if plan.filters.iter().any(|f| f.column == c.index) {
            continue;
        }
        for v in &c.values {
            let t = v.text.trim().to_lowercase();
            let summary = SUMMARY_LABELS.contains(&t.as_str())
                || (v.count == 1 && (t.starts_with("total ") || t.ends_with(" total")));
            if summary && v.count == 1 {
                plan.filters.push(Filter {
                    column: c.index,
                    op: Op::Ne,
                    values: vec![Lit::Str(v.text.clone())],
                    phrase: SUMMARY_PHRASE.into(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::confidence::UNATTACHED_COMPARISON;
    use super::super::testing::{ctx, sales, state, Reading};
    use super::{apply_dates, exclude_summary_rows, find_dates, SUMMARY_PHRASE};
    use crate::catalog::Catalog;
    use crate::plan::{Filter, Lit, Op, Plan};
    use crate::{Column, ColumnType, Schema};

    #[test]
    fn comparisons_become_filters() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let r = Reading::new("orders with more than 20 units", &cat, &ctx);
        assert_eq!(r.plan.filters.len(), 1);
        let f = &r.plan.filters[0];
        assert_eq!((f.column, f.op), (5, Op::Gt));
        assert_eq!(f.values, [Lit::Num(20.0)]);
        assert_eq!(f.phrase, "more than 20");
        // A number compared with a date column is a year.
        let r = Reading::new("order date above 2020", &cat, &ctx);
        let year = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        assert_eq!(r.plan.filters[0].values, [Lit::Date(year)]);
    }

    #[test]
    fn a_comparison_without_a_column_is_dropped_and_costs_confidence() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let r = Reading::new("more than 20", &cat, &ctx);
        assert!(r.plan.filters.is_empty());
        assert_eq!(r.st.penalty, UNATTACHED_COMPARISON);
    }

    #[test]
    fn values_become_equality_or_in_filters() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let r = Reading::new("revenue in Europe or Asia", &cat, &ctx);
        assert_eq!(r.plan.filters.len(), 1);
        assert_eq!(
            (r.plan.filters[0].column, r.plan.filters[0].op),
            (1, Op::In)
        );
        let r = Reading::new("revenue except Europe", &cat, &ctx);
        assert_eq!(r.plan.filters[0].op, Op::Ne);
    }

    #[test]
    fn dates_become_a_range_on_the_date_column() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut st = state("revenue in 2023", &cat, &ctx);
        let (time, year) = (cat.time_column(), cat.year_column());
        let hits = find_dates(&mut st, time, year);
        assert_eq!(hits.len(), 1);
        let (mut plan, mut notes) = (Plan::default(), Vec::new());
        apply_dates(&mut st, &hits, time, year, &mut plan, &mut notes);
        let range = plan.date_range.unwrap();
        assert_eq!(range.column, 0);
        assert_eq!(
            range.start,
            chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
        );
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn a_total_row_is_left_out() {
        let mut nation = Column::new("Nation", ColumnType::String);
        nation.values = vec![("Norway".into(), 1), ("Total".into(), 1)];
        let schema = Schema {
            table: "data".into(),
            row_count: 2,
            columns: vec![nation, Column::new("Gold", ColumnType::Integer)],
        };
        let cat = Catalog::new(&schema);
        let mut plan = Plan::default();
        exclude_summary_rows(&cat, &mut plan);
        assert_eq!(
            plan.filters,
            [Filter {
                column: 0,
                op: Op::Ne,
                values: vec![Lit::Str("Total".into())],
                phrase: SUMMARY_PHRASE.into(),
            }]
        );
    }
}
