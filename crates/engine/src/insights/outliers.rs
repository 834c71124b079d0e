//! Outliers: per measure, values beyond Tukey's far fences (3 × IQR past the quartiles),
//! with exact quartiles from SQL, counts for both fences and up to five examples.

use domain::ChartType;
use serde_json::json;

use super::context::Ctx;
use super::profile::{ColumnProfile, Profile};
use super::text::{chart, fmt_num, fmt_pct, num, number_literal};
use super::{Insight, InsightKind};
use crate::error::Result;

const MAX_EXAMPLES: usize = 5;
/// Bars in the distribution chart.
const HISTOGRAM_BINS: usize = 24;

pub async fn find(ctx: &mut Ctx<'_>, profile: &Profile) -> Result<Vec<Insight>> {
    let measures = profile.measures();
    if measures.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Vec::new();
    for (i, m) in measures.iter().enumerate() {
        let x = format!("CAST({} AS DOUBLE)", m.sql());
        for (name, q) in [("q1", 0.25), ("med", 0.5), ("q3", 0.75)] {
            select.push(format!(
                "percentile_cont({q}) WITHIN GROUP (ORDER BY {x}) AS {name}_{i}"
            ));
        }
    }
    let quartiles = ctx
        .query(&format!("SELECT {} FROM data", select.join(", ")))
        .await?;

    struct Fences {
        median: f64,
        iqr: f64,
        far: (f64, f64),
        near: (f64, f64),
    }
    let fences: Vec<Option<Fences>> = (0..measures.len())
        .map(|i| {
            let q1 = quartiles.f64(0, &format!("q1_{i}"))?;
            let q3 = quartiles.f64(0, &format!("q3_{i}"))?;
            let median = quartiles.f64(0, &format!("med_{i}"))?;
            let iqr = q3 - q1;
            // With half the values equal the IQR is 0 and every other value would "stand out".
            (iqr > 0.0).then_some(Fences {
                median,
                iqr,
                far: (q1 - 3.0 * iqr, q3 + 3.0 * iqr),
                near: (q1 - 1.5 * iqr, q3 + 1.5 * iqr),
            })
        })
        .collect();
    let outside = |sql: &str, (lo, hi): (f64, f64)| {
        format!(
            "{sql} < {} OR {sql} > {}",
            number_literal(lo),
            number_literal(hi)
        )
    };
    let mut counts = vec!["COUNT(*) AS total_rows".to_string()];
    for (i, (m, f)) in measures.iter().zip(&fences).enumerate() {
        if let Some(f) = f {
            let x = m.sql();
            counts.push(format!("COUNT({x}) AS n_{i}"));
            counts.push(format!(
                "SUM(CASE WHEN {} THEN 1 ELSE 0 END) AS far_{i}",
                outside(&x, f.far)
            ));
            counts.push(format!(
                "SUM(CASE WHEN {} THEN 1 ELSE 0 END) AS near_{i}",
                outside(&x, f.near)
            ));
        }
    }
    let counted = ctx
        .query(&format!("SELECT {} FROM data", counts.join(", ")))
        .await?;

    let mut found = Vec::new();
    for (i, (m, f)) in measures.iter().zip(&fences).enumerate() {
        let Some(f) = f else { continue };
        let far = counted.u64(0, &format!("far_{i}"));
        let near = counted.u64(0, &format!("near_{i}"));
        let n = counted.u64(0, &format!("n_{i}"));
        if far == 0 || n == 0 {
            continue;
        }
        let x = m.sql();
        let filter = outside(&x, f.far);
        let examples_sql = format!(
            "SELECT {x} AS v FROM data WHERE {filter} ORDER BY ABS(CAST({x} AS DOUBLE) - {}) DESC, {x} LIMIT {MAX_EXAMPLES}",
            number_literal(f.median)
        );
        let examples = ctx.query(&examples_sql).await?;
        let values: Vec<f64> = (0..examples.len())
            .filter_map(|r| examples.f64(r, "v"))
            .collect();
        let furthest = values
            .first()
            .map(|v| (v - f.median).abs() / f.iqr)
            .unwrap_or(0.0);
        let share = far as f64 / n as f64;
        let name = &m.column.name;
        let listed: Vec<String> = values.iter().map(|v| fmt_num(*v)).collect();
        found.push(Insight {
            kind: InsightKind::Outliers,
            title: format!(
                "{far} extreme {} in {name}",
                if far == 1 { "value" } else { "values" }
            ),
            explanation: format!(
                "{} of {} {name} values ({}) lie outside {} to {}, three interquartile ranges beyond the middle half of the data, for example {}.",
                fmt_num(far as f64),
                fmt_num(n as f64),
                fmt_pct(share),
                fmt_num(f.far.0),
                fmt_num(f.far.1),
                listed.join(", ")
            ),
            score: 0.35 + 0.15 * (share * 20.0).min(1.0) + 0.1 * (furthest / 20.0).min(1.0),
            numbers: json!({
                "column": name,
                "count": far,
                "mild_count": near,
                "non_null": n,
                "percent": num(share * 100.0),
                "lower_bound": num(f.far.0),
                "upper_bound": num(f.far.1),
                "mild_lower_bound": num(f.near.0),
                "mild_upper_bound": num(f.near.1),
                "median": num(f.median),
                "iqr": num(f.iqr),
                "examples": values.iter().map(|v| num(*v)).collect::<Vec<_>>(),
                "rows_sql": format!("SELECT * FROM data WHERE {filter} ORDER BY {x} DESC"),
            }),
            sql: histogram_sql(m, &filter),
            chart: chart(
                ChartType::StackedBar,
                &format!("Distribution of {name}, outliers marked"),
                "bin_start",
                &["typical", "outliers"],
            ),
            question: format!("distribution of {name}"),
            result: None,
        });
    }
    Ok(found)
}

/// Bins across the column's range counting typical values and outliers apart, so the
/// chart shows where the outliers sit against the rest.
fn histogram_sql(m: &ColumnProfile, outlier_filter: &str) -> String {
    let x = format!("CAST({} AS DOUBLE)", m.sql());
    let (lo, hi) = (m.min.unwrap_or(0.0), m.max.unwrap_or(0.0));
    let width = ((hi - lo) / HISTOGRAM_BINS as f64).max(f64::MIN_POSITIVE);
    let (lo, width) = (number_literal(lo), number_literal(width));
    format!(
        "SELECT {lo} + LEAST(FLOOR(({x} - {lo}) / {width}), {last}) * {width} AS bin_start, \
         SUM(CASE WHEN {outlier_filter} THEN 0 ELSE 1 END) AS typical, \
         SUM(CASE WHEN {outlier_filter} THEN 1 ELSE 0 END) AS outliers \
         FROM data WHERE {col} IS NOT NULL GROUP BY 1 ORDER BY 1",
        last = HISTOGRAM_BINS - 1,
        col = m.sql(),
    )
}
