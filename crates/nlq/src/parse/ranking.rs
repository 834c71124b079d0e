//! Ranking intent: superlatives, top-n and comparisons between named rows ("which X has
//! the highest Y", "the coldest day", "top 5 countries", "A or B, which has more X"), and
//! the lookup of an entity's rows when nothing ranks them ("which county has 774
//! households").

use super::aggregate::default_agg;
use super::roles::Roles;
use super::shape::Shape;
use super::{State, Step};
use crate::catalog::Role;
use crate::error::Error;
use crate::link::Link;
use crate::plan::{Agg, Dim, Filter, Measure, Op, Order, OrderKey, Plan};
use crate::ColumnType;

/// A superlative concept ("coldest" -> temperature) picks the column it ranks by, or the
/// question cannot be answered.
pub(super) fn concept(
    st: &mut State,
    _links: &[Link],
    shape: &Shape,
    _plan: &mut Plan,
    r: &mut Roles,
) -> Result<Step, Error> {
    let cat = st.cat;
    // Superlative concepts ("coldest") pick their measure column.
    if let Some((words, desc)) = shape.concept {
        r.order_desc = desc;
        let cands: Vec<usize> = cat
            .columns
            .iter()
            .filter(|c| {
                cat.col(c.index).data_type.is_numeric() || cat.col(c.index).data_type.is_temporal()
            })
            .filter(|c| {
                c.words.iter().any(|w| {
                    words.iter().any(|x| {
                        w.word == *x
                            || w.expansion.as_deref() == Some(crate::text::stem(x).as_str())
                    })
                })
            })
            .map(|c| c.index)
            .collect();
        let want = if desc {
            ["max", "high"]
        } else {
            ["min", "low"]
        };
        r.concept_col = cands
            .iter()
            .copied()
            .find(|&k| {
                cat.columns[k]
                    .words
                    .iter()
                    .any(|w| want.contains(&w.word.as_str()))
            })
            .or(cands.first().copied());
        if r.concept_col.is_none() {
            return Err(Error::SuperlativeColumn);
        }
    }
    Ok(Step::Continue)
}

/// Rank the entity by the measure (or count its rows), take the top n, or look the
/// entity up; finishes the plan when the answer is rows rather than groups.
pub(super) fn rank(
    st: &mut State,
    _links: &[Link],
    shape: &Shape,
    plan: &mut Plan,
    r: &mut Roles,
) -> Result<Step, Error> {
    let cat = st.cat;
    // Superlative over an entity: "which X has the highest Y", "the coldest day".
    let measure_col = plan
        .measures
        .first()
        .and_then(|m| m.column)
        .or(r.concept_col)
        .or(r.by_measure);
    // "A or B, which has more X": rank the named rows.
    let mut comparative = false;
    if r.entity.is_none() {
        if let Some(dir) = shape.comparative {
            let named = plan
                .filters
                .iter()
                .find(|f| f.op == Op::In && cat.col(f.column).data_type == ColumnType::String);
            if let (Some(f), Some(_)) = (named, measure_col) {
                r.entity = Some(f.column);
                r.order_desc = dir;
                comparative = true;
            }
        }
    }
    let ranked = shape.superlative.is_some()
        || comparative
        || shape.top.is_some()
        || shape.most_common.is_some()
        || r.concept_col.is_some();
    if let Some(e) = r.entity {
        if let Some((_, k, desc)) = shape.top {
            r.order_desc = desc;
            plan.limit = Some(k);
        } else if ranked {
            plan.limit = Some(1);
            plan.with_ties = true;
        }
        let count_measure = plan.measures.first().is_some_and(|m| m.agg == Agg::Count);
        if ranked && (count_measure || shape.most_common.is_some()) {
            let desc = shape.most_common.unwrap_or(r.order_desc);
            plan.dims = vec![Dim::Column(e)];
            plan.dims.extend(
                std::mem::take(&mut r.dims)
                    .into_iter()
                    .filter(|d| d.column() != e),
            );
            plan.measures = vec![Measure {
                agg: Agg::Count,
                column: None,
            }];
            plan.order = Some(Order {
                key: OrderKey::Measure(0),
                desc,
            });
            return Ok(Step::Done);
        }
        if let (true, Some(m)) = (ranked, measure_col) {
            let explicit = plan.measures.first().map(|m| m.agg).filter(|_| {
                shape
                    .aggs
                    .iter()
                    .any(|(_, a)| !matches!(a, Agg::Max | Agg::Min))
            });
            let unique = cat.columns[e].uniqueness >= 0.9 || cat.columns[e].role == Role::Time;
            if unique && explicit.is_none() {
                plan.measures.clear();
                plan.select = vec![e, m];
                plan.order = Some(Order {
                    key: OrderKey::Column(m),
                    desc: r.order_desc,
                });
                plan.filters.push(Filter {
                    column: m,
                    op: Op::NotNull,
                    values: vec![],
                    phrase: String::new(),
                });
                return Ok(Step::Done);
            }
            let agg = explicit.unwrap_or(if cat.columns[m].additive {
                Agg::Sum
            } else if r.order_desc {
                Agg::Max
            } else {
                Agg::Min
            });
            plan.dims = vec![Dim::Column(e)];
            plan.measures = vec![Measure {
                agg,
                column: Some(m),
            }];
            plan.order = Some(Order {
                key: OrderKey::Measure(0),
                desc: r.order_desc,
            });
            return Ok(Step::Done);
        }
        if !ranked && plan.measures.is_empty() {
            // Lookup: "which county has 774 households", "who was in office in 1990".
            if plan.filters.is_empty() && plan.date_range.is_none() {
                return Err(Error::UnknownRows);
            }
            plan.select = std::iter::once(e)
                .chain(r.mentions.iter().copied().filter(|&m| m != e))
                .collect();
            plan.distinct = true;
            return Ok(Step::Done);
        }
        if !plan.measures.is_empty() && !r.dims.iter().any(|d| d.column() == e) {
            // "what is the average X of the Y" with Y a category: group by it.
            if !ranked && cat.col(e).data_type.is_numeric() {
                plan.measures.insert(
                    0,
                    Measure {
                        agg: default_agg(cat, e),
                        column: Some(e),
                    },
                );
            } else {
                r.dims.insert(0, Dim::Column(e));
            }
        }
    } else if let Some((_, k, desc)) = shape.top {
        plan.limit = Some(k);
        r.order_desc = desc;
        if let Some(m) = measure_col {
            if plan.measures.is_empty() {
                plan.select = vec![m];
                plan.order = Some(Order {
                    key: OrderKey::Column(m),
                    desc,
                });
                return Ok(Step::Done);
            }
        }
    } else if let Some(cc) = r.concept_col {
        if plan.measures.is_empty() {
            plan.measures.push(Measure {
                agg: if r.order_desc { Agg::Max } else { Agg::Min },
                column: Some(cc),
            });
        }
    }
    Ok(Step::Continue)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ctx, sales, weather, Reading};
    use super::super::Step;
    use super::concept;
    use crate::catalog::Catalog;
    use crate::error::Error;
    use crate::plan::{Dim, OrderKey};

    #[test]
    fn a_superlative_concept_picks_its_column() {
        let ctx = ctx();
        let schema = weather();
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("the coldest day", &cat, &ctx);
        let (out, roles) = r.step(concept);
        assert_eq!(out, Ok(Step::Continue));
        // temp_min, lowest first.
        assert_eq!((roles.concept_col, roles.order_desc), (Some(3), false));
        // No column measures temperature: the question cannot be answered.
        let schema = sales();
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("the coldest day", &cat, &ctx);
        assert_eq!(r.step(concept).0, Err(Error::SuperlativeColumn));
    }

    #[test]
    fn ranking_an_entity_by_a_measure_finishes_the_plan() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("which region has the highest revenue", &cat, &ctx);
        assert_eq!(r.run_to("ranking"), Ok(Step::Done));
        assert_eq!(r.plan.dims, [Dim::Column(1)]);
        assert_eq!(r.plan.limit, Some(1));
        let order = r.plan.order.unwrap();
        assert_eq!((order.key, order.desc), (OrderKey::Measure(0), true));
    }

    #[test]
    fn an_unranked_question_continues_to_grouping() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("average revenue by region", &cat, &ctx);
        assert_eq!(r.run_to("ranking"), Ok(Step::Continue));
        assert_eq!((r.plan.limit, r.plan.order), (None, None));
        assert!(r.plan.dims.is_empty(), "grouping sets the dims");
    }

    #[test]
    fn a_lookup_needs_something_that_picks_the_rows() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("which region", &cat, &ctx);
        assert_eq!(r.run_to("ranking"), Err(Error::UnknownRows));
        let mut r = Reading::new("which region has more than 20 units", &cat, &ctx);
        assert_eq!(r.run_to("ranking"), Ok(Step::Done));
        assert_eq!(r.plan.select.first(), Some(&1));
        assert!(r.plan.distinct);
    }
}
