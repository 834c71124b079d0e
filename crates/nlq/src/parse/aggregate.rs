//! Aggregate intent: the aggregations the question writes ("average price", "total
//! sales"), the one it implies for a plain numeric mention, and the grouping and order
//! that finish an aggregate plan. Also aggregates over the first n rows as listed.

use super::confidence::{COUNT_FOR_GROUPS, DEFAULT_AGGREGATION};
use super::roles::Roles;
use super::shape::Shape;
use super::{State, Step};
use crate::catalog::Catalog;
use crate::error::Error;
use crate::link::Link;
use crate::plan::{Agg, Dim, Measure, Order, OrderKey, Plan};

/// Columns written with an aggregation ("average price", "how many ...") become measures.
pub(super) fn explicit(
    st: &mut State,
    _links: &[Link],
    shape: &Shape,
    plan: &mut Plan,
    r: &mut Roles,
) -> Result<Step, Error> {
    let cat = st.cat;
    for (c, a) in &r.measures {
        let agg = match a {
            Some(Agg::Count) if cat.col(*c).data_type.is_numeric() => Agg::Count,
            Some(a) => *a,
            None => default_agg(cat, *c),
        };
        let column = if agg == Agg::Count { None } else { Some(*c) };
        if agg == Agg::Count && shape.distinct {
            plan.measures.push(Measure {
                agg: Agg::CountDistinct,
                column: Some(*c),
            });
        } else {
            plan.measures.push(Measure { agg, column });
        }
    }
    Ok(Step::Continue)
}

/// With no measure yet, the first numeric mention is aggregated: by the aggregation word
/// written without a column, by the superlative's direction, or by the column's default.
pub(super) fn implicit(
    st: &mut State,
    _links: &[Link],
    shape: &Shape,
    plan: &mut Plan,
    r: &mut Roles,
) -> Result<Step, Error> {
    let cat = st.cat;
    // Aggregation words with no column after them apply to the first plain mention.
    if plan.measures.is_empty() {
        let numeric_mentions: Vec<usize> = r
            .mentions
            .iter()
            .copied()
            .filter(|&c| cat.col(c).data_type.is_numeric())
            .collect();
        if let Some(&c) = numeric_mentions.first().or(r.by_measure.as_ref()) {
            let explicit = shape
                .aggs
                .iter()
                .map(|(_, a)| *a)
                .find(|a| !matches!(a, Agg::Count) || shape.count)
                .or_else(|| {
                    // "the most expensive": the extreme of the column itself.
                    let dir = shape
                        .concept
                        .map(|c| c.1)
                        .or(shape.superlative.map(|s| s.1));
                    dir.filter(|_| r.entity.is_none())
                        .map(|d| if d { Agg::Max } else { Agg::Min })
                });
            if r.entity.is_none() || shape.superlative.is_none() && shape.top.is_none() {
                let agg = explicit.unwrap_or_else(|| {
                    st.penalty *= DEFAULT_AGGREGATION;
                    default_agg(cat, c)
                });
                plan.measures.push(Measure {
                    agg,
                    column: Some(c),
                });
                r.mentions.retain(|&m| m != c);
                if r.by_measure == Some(c) {
                    r.by_measure = None;
                }
            }
        }
    }
    Ok(Step::Continue)
}

/// The last step: a count when only groups were named (or no answer at all), the groups,
/// the "by" measure, and the order. Always finishes the plan.
pub(super) fn group(
    st: &mut State,
    _links: &[Link],
    shape: &Shape,
    plan: &mut Plan,
    r: &mut Roles,
) -> Result<Step, Error> {
    let cat = st.cat;
    if plan.measures.is_empty() {
        if !r.dims.is_empty() {
            plan.measures.push(Measure {
                agg: Agg::Count,
                column: None,
            });
            st.penalty *= COUNT_FOR_GROUPS;
        } else {
            return Err(Error::NoMeasure);
        }
    }
    plan.dims = std::mem::take(&mut r.dims);
    if let Some(bm) = r.by_measure {
        if !plan.measures.iter().any(|m| m.column == Some(bm)) {
            plan.measures.push(Measure {
                agg: default_agg(cat, bm),
                column: Some(bm),
            });
        }
    }
    if !plan.dims.is_empty() {
        if plan.limit.is_some()
            || shape.superlative.is_some() && plan.dims.iter().all(|d| matches!(d, Dim::Column(_)))
        {
            let key = if r.by_measure.is_some() {
                plan.measures.len() - 1
            } else {
                0
            };
            plan.order = Some(Order {
                key: OrderKey::Measure(key),
                desc: r.order_desc,
            });
        } else if let Some(i) = plan.dims.iter().position(|d| matches!(d, Dim::Time(..))) {
            plan.order = Some(Order {
                key: OrderKey::Dim(i),
                desc: false,
            });
        }
    }
    Ok(Step::Done)
}

/// Averages for rates, prices and other non-additive measures; sums otherwise.
pub(super) fn default_agg(cat: &Catalog, c: usize) -> Agg {
    if cat.columns[c].year_like {
        // Summing or averaging years is never what was meant.
        return Agg::Max;
    }
    if cat.columns[c].additive {
        Agg::Sum
    } else {
        Agg::Avg
    }
}

/// "the average losses of the first three on the list": an aggregate over the first (or
/// last) n rows as listed, not a ranking.
pub(super) fn first_rows(st: &State, shape: &Shape, plan: &mut Plan) {
    let Some((i, n, _)) = shape.top else { return };
    let last = match st.w(i) {
        "first" => false,
        "last" => true,
        _ => return,
    };
    let aggregate = !plan.measures.is_empty()
        && plan.dims.iter().all(|d| matches!(d, Dim::Column(_)))
        && plan.select.is_empty();
    if aggregate && n > 1 {
        plan.head = Some((n, last));
        plan.dims.clear();
        plan.limit = None;
        plan.order = None;
        plan.with_ties = false;
    }
}

#[cfg(test)]
mod tests {
    use super::super::confidence::{COUNT_FOR_GROUPS, DEFAULT_AGGREGATION};
    use super::super::testing::{ctx, sales, Reading};
    use super::super::Step;
    use super::{default_agg, explicit, group, implicit};
    use crate::catalog::Catalog;
    use crate::error::Error;
    use crate::plan::{Agg, Dim, Measure, OrderKey};

    fn m(agg: Agg, column: usize) -> Measure {
        Measure {
            agg,
            column: Some(column),
        }
    }

    #[test]
    fn written_aggregations_become_measures() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("average revenue by region", &cat, &ctx);
        assert_eq!(r.step(explicit).0, Ok(Step::Continue));
        assert_eq!(r.plan.measures, [m(Agg::Avg, 4)]);
    }

    #[test]
    fn a_plain_numeric_mention_gets_its_default_aggregation() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("revenue by region", &cat, &ctx);
        let (out, roles) = r.step(implicit);
        assert_eq!(out, Ok(Step::Continue));
        assert_eq!(r.plan.measures, [m(default_agg(&cat, 4), 4)]);
        assert!(roles.mentions.is_empty());
        assert_eq!(r.st.penalty, DEFAULT_AGGREGATION);
    }

    #[test]
    fn grouping_finishes_the_plan() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        // Only a grouping named: rows are counted per group, with less confidence.
        let mut r = Reading::new("by region", &cat, &ctx);
        assert_eq!(r.step(group).0, Ok(Step::Done));
        assert_eq!(r.plan.dims, [Dim::Column(1)]);
        assert_eq!(r.plan.measures[0].agg, Agg::Count);
        assert_eq!(r.st.penalty, COUNT_FOR_GROUPS);
        // Nothing at all to measure.
        let mut r = Reading::new("tell me something", &cat, &ctx);
        assert_eq!(r.step(group).0, Err(Error::NoMeasure));
    }

    #[test]
    fn a_time_grouping_is_ordered_by_time() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("monthly revenue", &cat, &ctx);
        assert_eq!(r.run_to("grouping"), Ok(Step::Done));
        assert!(matches!(r.plan.dims[..], [Dim::Time(0, _)]));
        assert_eq!(r.plan.order.map(|o| o.key), Some(OrderKey::Dim(0)));
    }
}
