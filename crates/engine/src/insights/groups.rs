//! Findings about groups of a dimension: concentration (a few groups hold most of a
//! total, Pareto) and segment differences (group means differ, one-way ANOVA + eta²).

use domain::ChartType;
use serde_json::json;

use super::context::Ctx;
use super::fold::join_names;
use super::profile::{ColumnProfile, Profile};
use super::stats::{one_way_anova, GroupSummary};
use super::text::{capitalise, chart, fmt_num, fmt_p, fmt_pct, ident, num};
use super::{Insight, InsightKind};
use crate::error::Result;

/// Fewest groups for "the top k of n" to mean anything.
const MIN_CONCENTRATION_GROUPS: usize = 5;
/// Most groups compared in a segment difference.
const MAX_SEGMENT_GROUPS: usize = 100;
/// Share of variance a dimension must explain (a large effect by Cohen's rule of thumb).
const MIN_ETA_SQUARED: f64 = 0.14;
/// At and above this share, the dimension fixes the measure (one value per group).
const FIXED_ETA_SQUARED: f64 = 0.99;

/// Group label and total, per group.
type Totals = Vec<(String, f64)>;

struct Group {
    label: String,
    rows: f64,
    /// Per measure: (count, sum, mean, sample variance).
    stats: Vec<(f64, f64, f64, f64)>,
}

pub async fn find(ctx: &mut Ctx<'_>, profile: &Profile) -> Result<Vec<Insight>> {
    let measures = profile.measures();
    let dims = profile.dimensions();
    let tests = (dims.len() * measures.len()).max(1);
    let mut found = Vec::new();
    for dim in dims {
        if ctx.out_of_time {
            break;
        }
        let groups = group_stats(ctx, dim, &measures).await?;
        found.extend(concentration(dim, &measures, &groups));
        found.extend(segment_difference(dim, &measures, &groups, tests));
        found.extend(fixed_per_group(dim, &measures, &groups));
    }
    Ok(found)
}

async fn group_stats(
    ctx: &mut Ctx<'_>,
    dim: &ColumnProfile,
    measures: &[&ColumnProfile],
) -> Result<Vec<Group>> {
    let d = dim.sql();
    let mut select = vec![
        format!("CAST({d} AS VARCHAR) AS g"),
        "COUNT(*) AS row_count".to_string(),
    ];
    for (i, m) in measures.iter().enumerate() {
        let x = format!("CAST({} AS DOUBLE)", m.sql());
        select.push(format!("COUNT({x}) AS n{i}"));
        select.push(format!("SUM({x}) AS s{i}"));
        select.push(format!("AVG({x}) AS a{i}"));
        select.push(format!("VAR_SAMP({x}) AS v{i}"));
    }
    let sql = format!(
        "SELECT {} FROM data WHERE {d} IS NOT NULL GROUP BY 1 ORDER BY 1",
        select.join(", ")
    );
    let r = ctx.query(&sql).await?;
    Ok((0..r.len())
        .map(|row| Group {
            label: r.text(row, "g").unwrap_or_default(),
            rows: r.f64(row, "row_count").unwrap_or(0.0),
            stats: (0..measures.len())
                .map(|i| {
                    let get = |k: &str| r.f64(row, &format!("{k}{i}")).unwrap_or(0.0);
                    (get("n"), get("s"), get("a"), get("v"))
                })
                .collect(),
        })
        .collect())
}

/// The most concentrated measure of a dimension (or its row count when it has none).
fn concentration(
    dim: &ColumnProfile,
    measures: &[&ColumnProfile],
    groups: &[Group],
) -> Option<Insight> {
    if groups.len() < MIN_CONCENTRATION_GROUPS {
        return None;
    }
    // Shares of a total only make sense for totals that mean something (not of prices)
    // of measures that are never negative.
    let mut candidates: Vec<(Option<usize>, Totals)> = measures
        .iter()
        .enumerate()
        .filter(|(_, m)| m.is_additive() && m.min.is_some_and(|lo| lo >= 0.0))
        .map(|(i, _)| {
            (
                Some(i),
                groups
                    .iter()
                    .map(|g| (g.label.clone(), g.stats[i].1))
                    .collect(),
            )
        })
        .collect();
    if measures.is_empty() {
        candidates.push((
            None,
            groups.iter().map(|g| (g.label.clone(), g.rows)).collect(),
        ));
    }
    let n = groups.len();
    let mut best: Option<(f64, Insight)> = None;
    for (measure, mut totals) in candidates {
        // Largest first; ties by label so the report is deterministic.
        totals.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let total: f64 = totals.iter().map(|t| t.1).sum();
        if total <= 0.0 {
            continue;
        }
        let mut cumulative = 0.0;
        let mut k = 0;
        while k < n && cumulative < 0.5 * total {
            cumulative += totals[k].1;
            k += 1;
        }
        let share = cumulative / total;
        let even = k as f64 / n as f64;
        // "Notably concentrated": half the total sits in at most a fifth of the groups.
        if k > ((n as f64) * 0.2).floor().max(1.0) as usize {
            continue;
        }
        let excess = share - even;
        if best.as_ref().is_some_and(|(e, _)| *e >= excess) {
            continue;
        }
        let (what, key, aggregate) = match measure {
            Some(i) => (
                format!("total {}", measures[i].column.name),
                format!("total_{}", measures[i].column.sql_name),
                format!("SUM({})", measures[i].sql()),
            ),
            None => (
                "rows".to_string(),
                "row_count".to_string(),
                "COUNT(*)".to_string(),
            ),
        };
        let top: Vec<&str> = totals[..k].iter().map(|t| t.0.as_str()).collect();
        let dim_name = &dim.column.name;
        let d = dim.sql();
        let insight = Insight {
            kind: InsightKind::Concentration,
            title: format!(
                "The top {k} of {n} {dim_name} values make {} of {what}",
                fmt_pct(share)
            ),
            explanation: format!(
                "{} account{} for {} of {what} across {n} {dim_name} values, where an even split would give {}.",
                if k <= 5 { join_names(&top) } else { format!("The top {k}") },
                if k == 1 { "s" } else { "" },
                fmt_pct(share),
                fmt_pct(even)
            ),
            score: 0.35 + 0.4 * excess,
            numbers: json!({
                "dimension": dim_name,
                "measure": measure.map(|i| measures[i].column.name.clone()),
                "groups": n,
                "top_count": k,
                "top_share_percent": num(share * 100.0),
                "even_share_percent": num(even * 100.0),
                "total": num(total),
                "top": totals[..k].iter().map(|t| json!({"group": t.0, "value": num(t.1)})).collect::<Vec<_>>(),
            }),
            sql: format!(
                "SELECT {d}, {aggregate} AS {} FROM data WHERE {d} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC",
                ident(&key)
            ),
            chart: chart(
                ChartType::Bar,
                &format!("{} by {dim_name}", capitalise(&what)),
                &dim.column.sql_name,
                &[key.as_str()],
            ),
            question: match measure {
                Some(i) => format!("total {} by {dim_name}", measures[i].column.name),
                None => format!("number of rows by {dim_name}"),
            },
            result: None,
        };
        best = Some((excess, insight));
    }
    best.map(|b| b.1)
}

/// The measure this dimension separates most strongly, if the effect is large and real.
fn segment_difference(
    dim: &ColumnProfile,
    measures: &[&ColumnProfile],
    groups: &[Group],
    tests: usize,
) -> Option<Insight> {
    if groups.len() < 2 || groups.len() > MAX_SEGMENT_GROUPS {
        return None;
    }
    let mut best: Option<(f64, Insight)> = None;
    for (i, m) in measures.iter().enumerate() {
        let summaries: Vec<GroupSummary> = groups
            .iter()
            .filter(|g| g.stats[i].0 >= 2.0)
            .map(|g| GroupSummary {
                n: g.stats[i].0,
                mean: g.stats[i].2,
                variance: g.stats[i].3,
            })
            .collect();
        let Some((f, p, eta2)) = one_way_anova(&summaries) else {
            continue;
        };
        let p = (p * tests as f64).min(1.0);
        // A measure the group fixes (a product's list price) is no difference between
        // segments: `fixed_per_group` notes it instead.
        if p >= 0.01
            || !(MIN_ETA_SQUARED..FIXED_ETA_SQUARED).contains(&eta2)
            || best.as_ref().is_some_and(|(e, _)| *e >= eta2)
        {
            continue;
        }
        // Name extremes among groups big enough to trust (5+ values), else any with 2+.
        let min_n = if groups.iter().filter(|g| g.stats[i].0 >= 5.0).count() >= 2 {
            5.0
        } else {
            2.0
        };
        let mut ranked: Vec<&Group> = groups.iter().filter(|g| g.stats[i].0 >= min_n).collect();
        ranked.sort_by(|a, b| {
            b.stats[i]
                .2
                .total_cmp(&a.stats[i].2)
                .then_with(|| a.label.cmp(&b.label))
        });
        let (Some(high), Some(low)) = (ranked.first(), ranked.last()) else {
            continue;
        };
        let name = &m.column.name;
        let dim_name = &dim.column.name;
        let d = dim.sql();
        let key = format!("avg_{}", m.column.sql_name);
        // The top group against the mean of every other row: "12% above the rest".
        let (rest_n, rest_sum) = groups
            .iter()
            .filter(|g| g.label != high.label)
            .fold((0.0, 0.0), |(n, s), g| (n + g.stats[i].0, s + g.stats[i].1));
        let rest_mean = (rest_n > 0.0).then(|| rest_sum / rest_n);
        let versus_rest = rest_mean
            .filter(|r| *r > 0.0 && high.stats[i].2 > 0.0)
            .map(|r| high.stats[i].2 / r - 1.0);
        let insight = Insight {
            kind: InsightKind::SegmentDifference,
            title: format!("{} differs by {dim_name}", capitalise(name)),
            explanation: format!(
                "Average {name} is highest for {} ({}{}) and lowest for {} ({}), and {dim_name} explains {} of its variation (eta² = {:.2}, {}).",
                high.label,
                fmt_num(high.stats[i].2),
                versus_rest
                    .map(|v| format!(", {} {} the rest", fmt_pct(v.abs()), if v >= 0.0 { "above" } else { "below" }))
                    .unwrap_or_default(),
                low.label,
                fmt_num(low.stats[i].2),
                fmt_pct(eta2),
                eta2,
                fmt_p(p)
            ),
            score: 0.4 + 0.5 * (eta2 / 0.5).min(1.0),
            numbers: json!({
                "dimension": dim_name,
                "measure": name,
                "groups": summaries.len(),
                "highest": {"group": high.label, "mean": num(high.stats[i].2), "count": high.stats[i].0},
                "lowest": {"group": low.label, "mean": num(low.stats[i].2), "count": low.stats[i].0},
                "highest_vs_rest_percent": versus_rest.map(|v| num(v * 100.0)),
                "eta_squared": num(eta2),
                "f_statistic": num(f),
                "p_value": num(p),
            }),
            sql: format!(
                "SELECT {d}, AVG({}) AS {}, COUNT({}) AS n FROM data WHERE {d} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC",
                m.sql(),
                ident(&key),
                m.sql()
            ),
            chart: chart(
                ChartType::Bar,
                &format!("Average {name} by {dim_name}"),
                &dim.column.sql_name,
                &[key.as_str()],
            ),
            question: format!("average {name} by {dim_name}"),
            result: None,
        };
        best = Some((eta2, insight));
    }
    best.map(|b| b.1)
}

/// Measures that take (almost) one value per group of the dimension — a product's list
/// price, a store's region code — noted once as structure, not as a segment finding.
fn fixed_per_group(
    dim: &ColumnProfile,
    measures: &[&ColumnProfile],
    groups: &[Group],
) -> Option<Insight> {
    if groups.len() < 2 || groups.len() > MAX_SEGMENT_GROUPS {
        return None;
    }
    let fixed: Vec<&ColumnProfile> = measures
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let summaries: Vec<GroupSummary> = groups
                .iter()
                .filter(|g| g.stats[*i].0 >= 2.0)
                .map(|g| GroupSummary {
                    n: g.stats[*i].0,
                    mean: g.stats[*i].2,
                    variance: g.stats[*i].3,
                })
                .collect();
            summaries.len() >= 2
                && one_way_anova(&summaries).is_some_and(|(_, _, eta2)| eta2 >= FIXED_ETA_SQUARED)
        })
        .map(|(_, m)| *m)
        .collect();
    let first = fixed.first()?;
    let names: Vec<&str> = fixed.iter().map(|m| m.column.name.as_str()).collect();
    let dim_name = &dim.column.name;
    let d = dim.sql();
    let key = format!("avg_{}", first.column.sql_name);
    Some(Insight {
        kind: InsightKind::DataStructure,
        title: format!(
            "{} {} set by {dim_name}",
            capitalise(&join_names(&names)),
            if names.len() == 1 { "is" } else { "are" }
        ),
        explanation: format!(
            "Each {dim_name} has one {} (it explains over 99% of the variation), so {} differences between {dim_name} values are a property of the {dim_name}, not a finding.",
            join_names(&names),
            if names.len() == 1 { "its" } else { "their" }
        ),
        score: 0.3,
        numbers: json!({ "dimension": dim_name, "measures": names }),
        sql: format!(
            "SELECT {d}, AVG({}) AS {}, MIN({}) AS lowest, MAX({}) AS highest FROM data WHERE {d} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC",
            first.sql(),
            ident(&key),
            first.sql(),
            first.sql()
        ),
        chart: chart(
            ChartType::Bar,
            &format!("{} by {dim_name}", capitalise(&first.column.name)),
            &dim.column.sql_name,
            &[key.as_str()],
        ),
        question: format!("average {} by {dim_name}", first.column.name),
        result: None,
    })
}
