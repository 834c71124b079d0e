//! Count intent: "how many", "number of", "most common": a row count, a count of
//! distinct values, or a count the table already stores in a column (summed).

use super::answer_column::total_column;
use super::roles::Roles;
use super::shape::Shape;
use super::{State, Step};
use crate::catalog::{Catalog, Role};
use crate::error::Error;
use crate::lexicon::DISTINCT_WORDS;
use crate::link::{Link, Target};
use crate::plan::{Agg, Dim, Lit, Measure, Op, Plan};
use crate::ColumnType;

/// Put the count the question asks for into the plan; never finishes it (a ranking or a
/// grouping may still apply).
pub(super) fn count(
    st: &mut State,
    links: &[Link],
    shape: &Shape,
    plan: &mut Plan,
    r: &mut Roles,
) -> Result<Step, Error> {
    let cat = st.cat;
    // "how many gold medals did India win": a count stored in a column is summed.
    let stored_count = entity_after_count(st, links, shape).filter(|&c| {
        let info = &cat.columns[c];
        // "the greatest number of gold medals": the explicit aggregation wins.
        let explicit = r.measures.iter().any(|&(m, a)| m == c && a.is_some());
        !explicit
            && shape.most_common.is_none()
            && cat.col(c).data_type.is_numeric()
            && info.role == Role::Measure
            && info.additive
            && links
                .iter()
                .any(|l| l.target == Target::Column(c) && l.exact)
    });
    if let Some(c) = stored_count {
        plan.measures.push(Measure {
            agg: Agg::Sum,
            column: Some(c),
        });
        r.mentions.retain(|&m| m != c);
    } else if shape.count || shape.most_common.is_some() {
        let counted = entity_after_count(st, links, shape);
        match counted {
            // "the number of painters who ...": one painter per row, so count the rows.
            Some(c)
                if r.entity == Some(c)
                    && shape.most_common.is_none()
                    && cat.columns[c].uniqueness >= 0.9
                    && !shape.distinct =>
            {
                r.entity = None;
            }
            Some(c)
                if countable(cat, c, &r.dims)
                    && (shape.most_common.is_none() || r.entity.is_some())
                    && (shape.distinct || cat.columns[c].uniqueness < 0.9) =>
            {
                if shape.most_common.is_some() {
                    r.entity = r.entity.or(Some(c));
                } else {
                    plan.measures.push(Measure {
                        agg: Agg::CountDistinct,
                        column: Some(c),
                    });
                    if r.entity == Some(c) {
                        r.entity = None;
                    }
                }
            }
            _ => {}
        }
        if shape.most_common.is_some() || plan.measures.is_empty() && r.measures.is_empty() {
            if shape.distinct {
                if let Some(c) = r.entity.filter(|_| shape.most_common.is_none()) {
                    plan.measures.push(Measure {
                        agg: Agg::CountDistinct,
                        column: Some(c),
                    });
                    r.entity = None;
                }
            }
            if plan.measures.is_empty() {
                plan.measures.push(Measure {
                    agg: Agg::Count,
                    column: None,
                });
            }
        }
    }
    Ok(Step::Continue)
}

/// A text column not already grouped by: "how many countries" counts its distinct values.
fn countable(cat: &Catalog, c: usize, dims: &[Dim]) -> bool {
    cat.col(c).data_type == ColumnType::String && !dims.iter().any(|d| d.column() == c)
}

/// The column named right after "how many" / "number of" / "count".
fn entity_after_count(st: &State, links: &[Link], shape: &Shape) -> Option<usize> {
    let _ = shape;
    for i in 0..st.toks.len() {
        let starts = (st.w(i) == "how" && st.w(i + 1) == "many")
            || (st.w(i) == "number" && st.w(i + 1) == "of")
            || (st.w(i) == "count" && st.w(i + 1) == "of");
        if !starts {
            continue;
        }
        let mut k = i + 2;
        while k < st.toks.len()
            && (DISTINCT_WORDS.contains(&st.w(k)) || matches!(st.w(k), "the" | "total"))
        {
            k += 1;
        }
        return links
            .iter()
            .find(|l| l.start == k)
            .and_then(|l| match l.target {
                Target::Column(c) => Some(c),
                _ => None,
            });
    }
    None
}

/// Counting rows after pinning a near-unique column ("how many medals did Norway win")
/// answers 1: the question meant a value of that row. Re-read such a count as that value
/// where the table says which; `true` when the count stays and is likely a misreading.
pub(super) fn reread_pinned(cat: &Catalog, links: &[Link], plan: &mut Plan) -> bool {
    let mut unlikely = false;
    let count_rows = plan.measures.len() == 1 && plan.measures[0].agg == Agg::Count;
    let count_distinct = match plan.measures.as_slice() {
        [Measure {
            agg: Agg::CountDistinct,
            column: Some(c),
        }] => Some(*c),
        _ => None,
    };
    if (count_rows || count_distinct.is_some()) && plan.dims.is_empty() && cat.schema.row_count > 5
    {
        let pinned = plan.filters.iter().any(|f| {
            f.op == Op::Eq
                && f.values.iter().all(|v| match v {
                    Lit::Str(text) => cat.columns[f.column]
                        .values
                        .iter()
                        .any(|e| e.text == *text && e.count == 1),
                    _ => false,
                })
        });
        let total = total_column(cat);
        let numeric_named: Vec<usize> = links
            .iter()
            .filter_map(|l| match l.target {
                Target::Column(c) if cat.col(c).data_type.is_numeric() && Some(c) != total => {
                    Some(c)
                }
                _ => None,
            })
            .collect();
        let named_numeric = !numeric_named.is_empty();
        match total {
            // "the number of cylinders the Standard 8 has": that row's value of the column.
            _ if pinned && count_distinct.is_some() => {
                plan.measures.clear();
                plan.select = count_distinct.into_iter().collect();
            }
            _ if count_distinct.is_some() => {}
            // "how many in-favour votes did Rutgers give": the one numeric column named.
            _ if pinned && numeric_named.len() == 1 => {
                plan.measures = vec![Measure {
                    agg: Agg::Sum,
                    column: Some(numeric_named[0]),
                }];
            }
            // "how many medals did Norway win": the table keeps that count in its Total column.
            Some(t) if pinned && !named_numeric => {
                plan.measures = vec![Measure {
                    agg: Agg::Sum,
                    column: Some(t),
                }];
            }
            _ if pinned => unlikely = true,
            _ => {}
        }
    }
    unlikely
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ctx, sales, Reading};
    use super::super::Step;
    use super::{count, entity_after_count, reread_pinned};
    use crate::catalog::Catalog;
    use crate::plan::{Agg, Filter, Lit, Measure, Op, Plan};
    use crate::{Column, ColumnType, Schema};

    #[test]
    fn how_many_counts_rows() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("how many orders", &cat, &ctx);
        let (out, _) = r.step(count);
        assert_eq!(out, Ok(Step::Continue));
        assert_eq!(
            r.plan.measures,
            [Measure {
                agg: Agg::Count,
                column: None
            }]
        );
    }

    #[test]
    fn a_text_column_counted_counts_its_values() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("number of regions", &cat, &ctx);
        let shape = r.shape();
        assert_eq!(entity_after_count(&r.st, &r.links, &shape), Some(1));
        let (out, _) = r.step(count);
        assert_eq!(out, Ok(Step::Continue));
        assert_eq!(
            r.plan.measures,
            [Measure {
                agg: Agg::CountDistinct,
                column: Some(1)
            }]
        );
    }

    #[test]
    fn no_count_asked_leaves_the_plan() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("average revenue by region", &cat, &ctx);
        assert_eq!(r.step(count).0, Ok(Step::Continue));
        assert!(r.plan.measures.is_empty());
    }

    fn medals(with_total: bool) -> Schema {
        let mut nation = Column::new("Nation", ColumnType::String);
        nation.values = [
            "Norway", "Sweden", "Finland", "Denmark", "Iceland", "Estonia",
        ]
        .iter()
        .map(|n| (n.to_string(), 1))
        .collect();
        let mut columns = vec![nation, Column::new("Gold", ColumnType::Integer)];
        if with_total {
            columns.push(Column::new("Total", ColumnType::Integer));
        }
        Schema {
            table: "data".into(),
            row_count: 6,
            columns,
        }
    }

    fn counted_in_norway() -> Plan {
        Plan {
            measures: vec![Measure {
                agg: Agg::Count,
                column: None,
            }],
            filters: vec![Filter {
                column: 0,
                op: Op::Eq,
                values: vec![Lit::Str("Norway".into())],
                phrase: "Norway".into(),
            }],
            ..Plan::default()
        }
    }

    #[test]
    fn a_count_over_one_pinned_row_reads_the_total_column() {
        let schema = medals(true);
        let cat = Catalog::new(&schema);
        let mut plan = counted_in_norway();
        assert!(!reread_pinned(&cat, &[], &mut plan));
        assert_eq!(
            plan.measures,
            [Measure {
                agg: Agg::Sum,
                column: Some(2)
            }]
        );
        // Without a Total column the count stays, and is flagged as unlikely.
        let schema = medals(false);
        let cat = Catalog::new(&schema);
        let mut plan = counted_in_norway();
        assert!(reread_pinned(&cat, &[], &mut plan));
        assert_eq!(plan.measures[0].agg, Agg::Count);
    }
}
