//! Statistics intent: several statistics of one column ("mean, median and standard
//! deviation of X"), correlation between two numeric columns, and missing-value counts.

use super::roles::Roles;
use super::shape::Shape;
use super::{State, Step};
use crate::error::Error;
use crate::lexicon::MISSING_WORDS;
use crate::link::{Link, Target};
use crate::plan::{Agg, Measure, Plan};
use crate::text::Kind;

/// Every statistic listed for the one measured column applies to it, in the order written.
pub(super) fn listed(
    st: &mut State,
    _links: &[Link],
    shape: &Shape,
    plan: &mut Plan,
    r: &mut Roles,
) -> Result<Step, Error> {
    // "mean, median and standard deviation of X": every listed aggregation applies to X.
    if plan.measures.len() == 1 && plan.dims.is_empty() && r.dims.is_empty() {
        if let Some(col) = plan.measures[0].column {
            let first = plan.measures[0].agg;
            let listed: Vec<Agg> = shape
                .aggs
                .iter()
                .map(|(_, a)| *a)
                .filter(|a| *a != first && !matches!(a, Agg::Count))
                .collect();
            let joined = st.toks.iter().any(|t| t.norm == "and");
            if joined && !listed.is_empty() && shape.superlative.is_none_or(|_| listed.len() > 1) {
                for a in listed {
                    if !plan.measures.iter().any(|m| m.agg == a) {
                        plan.measures.push(Measure {
                            agg: a,
                            column: Some(col),
                        });
                    }
                }
                // Keep the order the question listed them in.
                let order: Vec<Agg> = shape.aggs.iter().map(|(_, a)| *a).collect();
                plan.measures
                    .sort_by_key(|m| order.iter().position(|a| *a == m.agg).unwrap_or(99));
            }
        }
    }
    Ok(Step::Continue)
}

/// "correlation": the first two numeric columns named; finishes the plan or fails.
pub(super) fn correlation(
    st: &mut State,
    links: &[Link],
    _shape: &Shape,
    plan: &mut Plan,
    _r: &mut Roles,
) -> Result<Step, Error> {
    let cat = st.cat;
    // Two numeric mentions and "correlation" -> corr().
    if st.toks.iter().any(|t| t.stem.starts_with("correl")) {
        // The two numeric columns named, in the order written.
        let mut nums: Vec<usize> = Vec::new();
        for l in links {
            if let Target::Column(c) = l.target {
                if cat.col(c).data_type.is_numeric() && !nums.contains(&c) {
                    nums.push(c);
                }
            }
        }
        if nums.len() >= 2 {
            plan.correlation = Some((nums[0], nums[1]));
            plan.measures.clear();
            plan.dims.clear();
            plan.filters
                .retain(|f| f.column != nums[0] && f.column != nums[1]);
            return Ok(Step::Done);
        }
        return Err(Error::CorrelationColumns);
    }
    Ok(Step::Continue)
}

/// "missing", "null", "blank": count the empty cells of the column asked about.
pub(super) fn missing(
    st: &mut State,
    links: &[Link],
    _shape: &Shape,
    plan: &mut Plan,
    r: &mut Roles,
) -> Result<Step, Error> {
    // Missing values.
    if st
        .toks
        .iter()
        .any(|t| MISSING_WORDS.contains(&t.norm.as_str()))
    {
        // A column the question quotes ("null values in the "min_p" column") comes first.
        let quoted = links.iter().find_map(|l| match l.target {
            Target::Column(c) if st.toks[l.start].kind == Kind::Quoted => Some(c),
            _ => None,
        });
        let target = quoted
            .or(plan.measures.iter().filter_map(|m| m.column).next())
            .or(r.entity)
            .or(r.mentions.first().copied());
        if let Some(c) = target {
            plan.measures = vec![Measure {
                agg: Agg::CountNull,
                column: Some(c),
            }];
            plan.filters.clear();
            return Ok(Step::Done);
        }
    }
    Ok(Step::Continue)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ctx, sales, Reading};
    use super::super::Step;
    use super::{correlation, missing};
    use crate::catalog::Catalog;
    use crate::error::Error;
    use crate::plan::{Agg, Measure};

    #[test]
    fn several_statistics_of_one_column() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new(
            "the mean, median and standard deviation of revenue",
            &cat,
            &ctx,
        );
        assert_eq!(r.run_to("listed statistics"), Ok(Step::Continue));
        let aggs: Vec<Agg> = r.plan.measures.iter().map(|m| m.agg).collect();
        assert_eq!(aggs, [Agg::Avg, Agg::Median, Agg::Stddev]);
        assert!(r.plan.measures.iter().all(|m| m.column == Some(4)));
    }

    #[test]
    fn correlation_finishes_or_fails() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("correlation between revenue and units", &cat, &ctx);
        assert_eq!(r.step(correlation).0, Ok(Step::Done));
        assert_eq!(r.plan.correlation, Some((4, 5)));
        let mut r = Reading::new("correlation of revenue", &cat, &ctx);
        assert_eq!(r.step(correlation).0, Err(Error::CorrelationColumns));
        let mut r = Reading::new("total revenue", &cat, &ctx);
        assert_eq!(r.step(correlation).0, Ok(Step::Continue));
        assert_eq!(r.plan.correlation, None);
    }

    #[test]
    fn missing_values_count_the_empty_cells() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new("missing values of revenue in Europe", &cat, &ctx);
        assert_eq!(r.step(missing).0, Ok(Step::Done));
        assert_eq!(
            r.plan.measures,
            [Measure {
                agg: Agg::CountNull,
                column: Some(4)
            }]
        );
        assert!(r.plan.filters.is_empty());
        let mut r = Reading::new("total revenue", &cat, &ctx);
        assert_eq!(r.step(missing).0, Ok(Step::Continue));
    }
}
