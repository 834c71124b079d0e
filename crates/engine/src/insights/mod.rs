//! Automatic insights over a data source's Parquet snapshot: the engine computes with SQL,
//! statistics decide what is a finding, and the words only describe what was decided.
//!
//! # API
//!
//! ```ignore
//! let columns = vec![InsightColumn { sql_name: "revenue".into(), name: "Revenue".into(),
//!                                    column_type: ColumnType::Float }, /* ... */];
//! let report: InsightReport =
//!     find_insights(&sandbox, &parquet_path, &columns, &InsightOptions::default()).await?;
//! ```
//!
//! Every number comes from SQL run through the [`Sandbox`] over the snapshot registered as
//! `data`. [`InsightReport`] holds at most [`MAX_INSIGHTS`] [`Insight`]s in ranked order
//! (see `rank`: by `score`, discounted for repeating the kind or the columns of a finding
//! ranked earlier, so the first [`HEADLINE_INSIGHTS`] cover different things), each with a
//! `type` ([`InsightKind`]: `trend`, `seasonality`, `outliers`, `anomaly`, `concentration`,
//! `correlation`, `segment_difference`, `data_structure`, `data_quality`), a title, a
//! one-sentence explanation, the `numbers` behind it, the `sql` (over table `data`) that
//! reproduces it, a `chart` (a `domain::ChartSpec` whose keys are columns of that SQL's
//! result), the `result` of that SQL to draw it from (at most [`CHART_ROWS`] rows), and a
//! `question` to ask about it.
//!
//! - **data_structure**: measures that are (near-)exact linear functions of another
//!   (|r| ≥ 0.999: a tax that is 5% of a total, a column equal to another) are named in
//!   one note and left out of every other analysis, so they never show up as r = 1
//!   "discoveries" or as copies of their base column's trend.
//! - **trend**: per time column × measure (and row count), sums at an adaptive grain (day,
//!   week, month, year; partial first/last periods dropped, gaps filled with 0), a line
//!   over the last periods; reported only when the slope's t-test (Bonferroni-corrected
//!   over all series) and Mann-Kendall both give p < 0.01 and the fitted change is ≥ 5%.
//! - **seasonality**: monthly series whose months (or daily series whose weekdays)
//!   differ systematically around the linear trend: one-way ANOVA over the calendar
//!   positions, eta² ≥ 0.3, corrected p < 0.01, a swing of at least 10%.
//! - **anomaly**: periods whose residual from a rolling median of their 8 neighbours (less
//!   the seasonal pattern when there are 4+ cycles) exceeds a robust z (MAD-trimmed
//!   sigma) of max(3.5, a Bonferroni bound over all periods tested) × (1 + 2.5/√n).
//! - **outliers**: values beyond Tukey's far fences (3 × IQR), counts at 1.5× and 3×.
//! - **concentration**: half of a non-negative total held by at most a fifth of a
//!   dimension's 5–1000 groups ("the top 3 of 50 products make 62% of revenue").
//! - **correlation**: Pearson and Spearman between measures, |r| ≥ 0.5, n ≥ 10,
//!   Bonferroni-corrected p < 0.05; measures linked by such correlations make one
//!   finding, told through their strongest pair.
//! - **segment_difference**: one-way ANOVA per dimension × measure, eta² ≥ 0.14 and
//!   corrected p < 0.01, naming the highest and lowest groups.
//! - **data_quality**: ≥ 5% missing values, constant columns, exact duplicate rows,
//!   numbers stored as text.
//!
//! Above `max_rows_scanned` rows the analysis runs on a deterministic, content-hashed
//! sample (`sampled`, `sample_rows`); figures are then estimates and the SQL gives the exact
//! values on the whole table. Past `time_budget` the remaining analyses are skipped and
//! `complete` is false. The same data always gives the same report.

mod anomaly;
mod context;
mod correlation;
mod fold;
mod groups;
mod outliers;
mod profile;
mod quality;
mod rank;
mod sample;
mod season;
mod series;
mod stats;
mod structure;
mod text;
mod trend;

use std::path::Path;
use std::time::{Duration, Instant};

use domain::ChartSpec;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, Result};
use crate::query::Sandbox;
use crate::result::QueryResult;
use crate::types::ColumnType;

use context::Ctx;

/// Most findings in a report.
pub const MAX_INSIGHTS: usize = 20;
/// Findings a reader sees before asking for all of them.
pub const HEADLINE_INSIGHTS: usize = 8;
/// Most rows of a finding's SQL kept to draw its chart.
pub const CHART_ROWS: usize = 500;

/// A column of the snapshot to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsightColumn {
    /// Name in the Parquet file / SQL.
    pub sql_name: String,
    /// Name shown to people.
    pub name: String,
    pub column_type: ColumnType,
}

impl From<&domain::ColumnMeta> for InsightColumn {
    fn from(c: &domain::ColumnMeta) -> Self {
        InsightColumn {
            sql_name: c.sql_name.clone(),
            name: c.name.clone(),
            column_type: c.column_type,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsightOptions {
    /// Above this many rows, analyse a deterministic sample of about this size.
    pub max_rows_scanned: u64,
    /// Analyses still pending when this has passed are skipped.
    pub time_budget: Duration,
}

impl Default for InsightOptions {
    fn default() -> Self {
        InsightOptions {
            max_rows_scanned: 2_000_000,
            time_budget: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InsightReport {
    /// Findings in ranked order.
    pub insights: Vec<Insight>,
    /// How many of the first findings to show before "show all".
    #[serde(default)]
    pub headline_count: usize,
    /// True when the findings were computed on a sample of the rows.
    pub sampled: bool,
    /// Rows in the sample, when sampled.
    pub sample_rows: Option<u64>,
    /// False when the time budget ran out and some analyses were skipped.
    pub complete: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InsightKind {
    Trend,
    Outliers,
    Anomaly,
    Seasonality,
    Concentration,
    Correlation,
    SegmentDifference,
    DataStructure,
    DataQuality,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Insight {
    #[serde(rename = "type")]
    pub kind: InsightKind,
    pub title: String,
    /// One plain-English sentence.
    pub explanation: String,
    /// Ranking, higher first (0..1).
    pub score: f64,
    /// The numbers behind the finding; which keys depends on the kind.
    #[schema(value_type = Object)]
    pub numbers: serde_json::Value,
    /// SQL over table `data` that reproduces the finding.
    pub sql: String,
    /// A suggested chart whose keys are columns of `sql`'s result.
    pub chart: ChartSpec,
    /// A question about this finding to start an analysis from.
    #[serde(default)]
    pub question: String,
    /// The first rows of `sql`'s result, to draw `chart` from (none when the time
    /// budget ran out first).
    #[serde(default)]
    pub result: Option<QueryResult>,
}

/// Find what is interesting in one snapshot. Fails only when the snapshot cannot be read
/// at all; an analysis that fails is logged and skipped.
pub async fn find_insights(
    sandbox: &Sandbox,
    parquet_path: &Path,
    columns: &[InsightColumn],
    options: &InsightOptions,
) -> Result<InsightReport> {
    let deadline = Instant::now() + options.time_budget;
    let total = crate::parquet_row_count(parquet_path)?;
    let sample = if total > options.max_rows_scanned && !columns.is_empty() {
        Some(
            sample::write(
                sandbox,
                parquet_path,
                columns,
                options.max_rows_scanned,
                total,
            )
            .await?,
        )
    } else {
        None
    };
    let path = sample.as_ref().map_or(parquet_path, |s| s.path());
    let mut ctx = Ctx::new(sandbox, path, deadline);
    let mut profile = match profile::profile(&mut ctx, columns).await {
        Ok(profile) => profile,
        // Out of time before anything was learnt: an empty, incomplete report.
        Err(_) if ctx.out_of_time => {
            return Ok(InsightReport {
                insights: Vec::new(),
                headline_count: 0,
                sampled: sample.is_some(),
                sample_rows: sample.as_ref().map(|s| s.rows),
                complete: false,
            })
        }
        Err(e) => return Err(e),
    };

    let mut found = quality::from_profile(&profile);
    // First, so that columns computed from others stay out of every later analysis.
    match structure::find(&mut ctx, &profile).await {
        Ok(structure) => {
            profile.derived = structure.derived;
            found.extend(structure.note);
        }
        Err(e) => skipped("data structure", &e),
    }
    // Most telling first, so a tight budget still yields the findings people want most.
    match series::build(&mut ctx, &profile).await {
        Ok(series) => {
            found.extend(trend::find(&series));
            let seasons = season::find(&series);
            // December's peak in a December-peaking series is the season, not news.
            let anomalies: Vec<Insight> = anomaly::find(&series)
                .into_iter()
                .filter(|a| !seasons.iter().any(|s| season::explains(s, a)))
                .collect();
            found.extend(seasons);
            found.extend(anomalies);
        }
        Err(e) => skipped("time series", &e),
    }
    if !ctx.out_of_time {
        collect(&mut found, "groups", groups::find(&mut ctx, &profile).await);
    }
    if !ctx.out_of_time {
        collect(
            &mut found,
            "correlation",
            correlation::find(&mut ctx, &profile).await,
        );
    }
    if !ctx.out_of_time {
        collect(
            &mut found,
            "outliers",
            outliers::find(&mut ctx, &profile).await,
        );
    }
    if !ctx.out_of_time {
        collect(
            &mut found,
            "duplicates",
            quality::duplicates(&mut ctx, &profile).await,
        );
    }

    for insight in &mut found {
        insight.score = text::round(insight.score.clamp(0.0, 1.0));
    }
    let mut found = rank::rank(found);
    found.truncate(MAX_INSIGHTS);
    let complete = !ctx.out_of_time;
    for insight in &mut found {
        if ctx.out_of_time {
            break;
        }
        // Appended rather than wrapped: an outer LIMIT over a subquery does not keep
        // the subquery's ORDER BY. Every finding's SQL is generated here and ends in a
        // clause a LIMIT may follow.
        let sql = if insight.sql.contains(" LIMIT ") {
            insight.sql.clone()
        } else {
            format!("{} LIMIT {CHART_ROWS}", insight.sql)
        };
        match ctx.result(&sql).await {
            Ok(mut result) => {
                round_cells(&mut result);
                insight.result = Some(result);
            }
            Err(e) => skipped("chart data", &e),
        }
    }
    Ok(InsightReport {
        headline_count: found.len().min(HEADLINE_INSIGHTS),
        insights: found,
        sampled: sample.is_some(),
        sample_rows: sample.as_ref().map(|s| s.rows),
        complete,
    })
}

/// Floats rounded like report numbers: sums over parallel partitions differ in their
/// last bits between runs, and the report must not.
fn round_cells(result: &mut QueryResult) {
    for cell in result.rows.iter_mut().flatten() {
        if let Some(x) = cell.as_f64().filter(|_| cell.is_f64()) {
            *cell = text::num(x);
        }
    }
}

fn collect(found: &mut Vec<Insight>, what: &str, result: Result<Vec<Insight>>) {
    match result {
        Ok(more) => found.extend(more),
        Err(e) => skipped(what, &e),
    }
}

fn skipped(what: &str, e: &Error) {
    tracing::warn!(analysis = what, error = %e, "insight analysis skipped");
}
