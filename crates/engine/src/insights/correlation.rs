//! Correlations between measures: Pearson on values and Spearman on average ranks, in one
//! query over the rows where every compared measure is present, reported with the sample size.

use domain::ChartType;
use serde_json::json;

use super::context::Ctx;
use super::profile::{ColumnProfile, Profile};
use super::stats::correlation_p;
use super::text::{chart, fmt_num, fmt_p, num};
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
    let mut found = Vec::new();
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
        let (ma, mb) = (measures[a], measures[b]);
        let (na, nb) = (&ma.column.name, &mb.column.name);
        let strength = match r_max.abs() {
            x if x >= 0.9 => "very strongly",
            x if x >= 0.7 => "strongly",
            _ => "moderately",
        };
        let positive = r_max > 0.0;
        let fmt_r = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "n/a".into());
        found.push(Insight {
            kind: InsightKind::Correlation,
            title: format!(
                "{} and {} {}",
                super::text::capitalise(na),
                nb,
                if positive { "rise together" } else { "move in opposite directions" }
            ),
            explanation: format!(
                "Across {} rows, {na} and {nb} are {strength} {} correlated (Pearson r = {}, Spearman ρ = {}, {}).",
                fmt_num(n as f64),
                if positive { "positively" } else { "negatively" },
                fmt_r(pearson),
                fmt_r(spearman),
                fmt_p(p)
            ),
            score: 0.4 + 0.5 * ((r_max.abs() - MIN_R) / (1.0 - MIN_R)).min(1.0),
            numbers: json!({
                "x": na,
                "y": nb,
                "pearson_r": pearson.map(num),
                "spearman_rho": spearman.map(num),
                "sample_size": n,
                "p_value": num(p),
            }),
            sql: format!(
                "SELECT {x}, {y}, CORR(CAST({x} AS DOUBLE), CAST({y} AS DOUBLE)) OVER () AS pearson_r FROM data WHERE {complete}",
                x = ma.sql(),
                y = mb.sql()
            ),
            chart: chart(
                ChartType::Scatter,
                &format!("{} vs {}", super::text::capitalise(nb), na),
                &ma.column.sql_name,
                &[mb.column.sql_name.as_str()],
            ),
        });
    }
    Ok(found)
}
