//! Correlations between measures: Pearson on values and Spearman on average ranks, in one
//! query over the rows where every compared measure is present, reported with the sample size.

use domain::ChartType;
use serde_json::json;

use super::context::Ctx;
use super::profile::{ColumnProfile, Profile};
use super::stats::correlation_p;
use super::text::{capitalise, chart, fmt_num, fmt_p, num};
use super::{Insight, InsightKind};
use crate::error::Result;

/// Most measures compared (pairs grow quadratically, ranks each cost a sort).
const MAX_MEASURES: usize = 12;
/// Weakest |r| reported.
const MIN_R: f64 = 0.5;
const MIN_PAIRS: u64 = 10;

pub async fn find(ctx: &mut Ctx<'_>, profile: &Profile) -> Result<Vec<Insight>> {
    // Mostly-empty measures would shrink the complete rows for every pair.
    let measures: Vec<&ColumnProfile> = profile
        .measures()
        .into_iter()
        .filter(|m| m.non_null as f64 >= 0.8 * profile.rows as f64)
        .take(MAX_MEASURES)
        .collect();
    if measures.len() < 2 {
        return Ok(Vec::new());
    }
    let complete = measures
        .iter()
        .map(|m| format!("{} IS NOT NULL", m.sql()))
        .collect::<Vec<_>>()
        .join(" AND ");
    let mut inner = Vec::new();
    for (i, m) in measures.iter().enumerate() {
        let x = m.sql();
        inner.push(format!("CAST({x} AS DOUBLE) AS x{i}"));
        // Average rank of tied values: (first rank + last rank) / 2.
        inner.push(format!(
            "(CAST(RANK() OVER (ORDER BY {x}) AS DOUBLE) + CUME_DIST() OVER (ORDER BY {x}) * CAST(COUNT(*) OVER () AS DOUBLE)) / 2.0 AS r{i}"
        ));
    }
    let mut outer = vec!["COUNT(*) AS n".to_string()];
    let mut pairs = Vec::new();
    for a in 0..measures.len() {
        for b in a + 1..measures.len() {
            outer.push(format!("CORR(x{a}, x{b}) AS p_{a}_{b}"));
            outer.push(format!("CORR(r{a}, r{b}) AS s_{a}_{b}"));
            pairs.push((a, b));
        }
    }
    let sql = format!(
        "SELECT {} FROM (SELECT {} FROM data WHERE {complete}) AS t",
        outer.join(", "),
        inner.join(", ")
    );
    let r = ctx.query(&sql).await?;
    let n = r.u64(0, "n");
    if n < MIN_PAIRS {
        return Ok(Vec::new());
    }
    // Significant pairs, then one finding per group of measures they link: three
    // measures that all move together are one finding, not three.
    let mut links = Vec::new();
    for (a, b) in pairs.iter().copied() {
        let pearson = r.f64(0, &format!("p_{a}_{b}")).filter(|v| v.is_finite());
        let spearman = r.f64(0, &format!("s_{a}_{b}")).filter(|v| v.is_finite());
        let strongest = [pearson, spearman]
            .into_iter()
            .flatten()
            .max_by(|x, y| x.abs().total_cmp(&y.abs()));
        let Some(r_max) = strongest else { continue };
        let p = (correlation_p(r_max, n) * pairs.len() as f64).min(1.0);
        if r_max.abs() < MIN_R || p >= 0.05 {
            continue;
        }
        links.push(Link {
            a,
            b,
            r: r_max,
            pearson,
            spearman,
            p,
        });
    }
    let mut group_of: Vec<usize> = (0..measures.len()).collect();
    for l in &links {
        let (ga, gb) = (group_of[l.a], group_of[l.b]);
        let (keep, drop) = (ga.min(gb), ga.max(gb));
        for g in group_of.iter_mut().filter(|g| **g == drop) {
            *g = keep;
        }
    }
    let mut found = Vec::new();
    let mut seen = Vec::new();
    // Strongest link first: it speaks for its group.
    links.sort_by(|x, y| {
        y.r.abs()
            .total_cmp(&x.r.abs())
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    for l in &links {
        let group = group_of[l.a];
        if seen.contains(&group) {
            continue;
        }
        seen.push(group);
        let others: Vec<&ColumnProfile> = (0..measures.len())
            .filter(|&i| group_of[i] == group && i != l.a && i != l.b)
            .map(|i| measures[i])
            .collect();
        let all_positive = links
            .iter()
            .filter(|k| group_of[k.a] == group)
            .all(|k| k.r > 0.0);
        found.push(finding(
            measures[l.a],
            measures[l.b],
            &others,
            l,
            all_positive,
            n,
            &complete,
        ));
    }
    Ok(found)
}

/// A significant correlation between measures `a` and `b`.
struct Link {
    a: usize,
    b: usize,
    /// The stronger of Pearson and Spearman.
    r: f64,
    pearson: Option<f64>,
    spearman: Option<f64>,
    /// Bonferroni-corrected.
    p: f64,
}

/// The finding for a group of correlated measures, told through its strongest pair.
fn finding(
    ma: &ColumnProfile,
    mb: &ColumnProfile,
    others: &[&ColumnProfile],
    link: &Link,
    all_positive: bool,
    n: u64,
    complete: &str,
) -> Insight {
    let (na, nb) = (&ma.column.name, &mb.column.name);
    let strength = match link.r.abs() {
        x if x >= 0.9 => "very strongly",
        x if x >= 0.7 => "strongly",
        _ => "moderately",
    };
    let positive = link.r > 0.0;
    let fmt_r = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "n/a".into());
    let other_names: Vec<&str> = others.iter().map(|m| m.column.name.as_str()).collect();
    let title = if others.is_empty() {
        format!(
            "{} and {} {}",
            capitalise(na),
            nb,
            if positive {
                "rise together"
            } else {
                "move in opposite directions"
            }
        )
    } else {
        let mut names = vec![na.as_str(), nb.as_str()];
        names.extend(&other_names);
        let last = names.pop().unwrap_or_default();
        format!(
            "{} and {last} {}",
            capitalise(&names.join(", ")),
            if all_positive {
                "rise together"
            } else {
                "move together"
            }
        )
    };
    let also = if others.is_empty() {
        String::new()
    } else {
        format!(
            " {} {} also correlated with them (|r| ≥ {MIN_R}).",
            capitalise(&super::fold::join_names(&other_names)),
            if others.len() == 1 { "is" } else { "are" }
        )
    };
    Insight {
        kind: InsightKind::Correlation,
        title,
        explanation: format!(
            "Across {} rows, {na} and {nb} are {strength} {} correlated (Pearson r = {}, Spearman ρ = {}, {}).{also}",
            fmt_num(n as f64),
            if positive { "positively" } else { "negatively" },
            fmt_r(link.pearson),
            fmt_r(link.spearman),
            fmt_p(link.p)
        ),
        score: 0.4 + 0.5 * ((link.r.abs() - MIN_R) / (1.0 - MIN_R)).min(1.0),
        numbers: json!({
            "x": na,
            "y": nb,
            "pearson_r": link.pearson.map(num),
            "spearman_rho": link.spearman.map(num),
            "sample_size": n,
            "p_value": num(link.p),
            "also_correlated": other_names,
        }),
        sql: format!(
            "SELECT {x}, {y}, CORR(CAST({x} AS DOUBLE), CAST({y} AS DOUBLE)) OVER () AS pearson_r FROM data WHERE {complete}",
            x = ma.sql(),
            y = mb.sql()
        ),
        chart: chart(
            ChartType::Scatter,
            &format!("{} vs {}", capitalise(nb), na),
            &ma.column.sql_name,
            &[mb.column.sql_name.as_str()],
        ),
        question: format!("correlation between {na} and {nb}"),
        result: None,
    }
}
