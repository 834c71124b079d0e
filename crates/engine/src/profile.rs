//! Column profiles of a Parquet snapshot: counts, distincts, ranges, moments, quantiles,
//! top values, histograms, flags, and the value index used to link words to filters.

use std::path::Path;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ingest::values;
use crate::result::encode_column;
use crate::types::ColumnType;
use domain::sql::quote_ident as ident;

/// Below this many rows distinct counts are exact; above, HyperLogLog estimates.
pub const EXACT_DISTINCT_ROWS: u64 = 100_000;
/// Text columns with at most this many distinct values get a full value index.
pub const VALUE_INDEX_MAX: u64 = 1_000;
/// Top values are skipped for columns estimated above this many distinct values,
/// because grouping them would cost memory for no insight (ids, free text).
const TOP_VALUES_MAX_DISTINCT: u64 = 200_000;
const TOP_N: usize = 10;
const HISTOGRAM_BINS: usize = 20;
/// Memory for profiling queries; aggregations spill or fail beyond it.
const PROFILE_MEMORY: usize = 768 * 1024 * 1024;

pub use domain::{ColumnFlags, ColumnProfile, HistogramBin, Profile, Quantiles, ValueCount};

async fn collect(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
    ctx.sql(sql)
        .await
        .map_err(Error::internal)?
        .collect()
        .await
        .map_err(|e| Error::Internal(format!("profiling query failed: {e}")))
}

fn cell(batches: &[RecordBatch], col: usize) -> Result<Value> {
    match batches.iter().find(|b| b.num_rows() > 0) {
        Some(b) => Ok(encode_column(b.column(col))?.swap_remove(0)),
        None => Ok(Value::Null),
    }
}

fn as_u64(v: &Value) -> u64 {
    v.as_u64()
        .or_else(|| v.as_f64().map(|f| f as u64))
        .unwrap_or(0)
}

/// Profile every column of a Parquet file. Runs DataFusion on the current runtime:
/// call it through [`crate::Sandbox::profile`] to keep it off request threads.
pub async fn profile_parquet(path: &Path) -> Result<Profile> {
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_limit(PROFILE_MEMORY, 1.0)
        .build_arc()
        .map_err(Error::internal)?;
    let ctx = SessionContext::new_with_config_rt(SessionConfig::new(), runtime);
    let path_str = path
        .to_str()
        .ok_or_else(|| Error::internal("non UTF-8 path"))?;
    ctx.register_parquet("t", path_str, ParquetReadOptions::default())
        .await
        .map_err(Error::internal)?;
    let schema = ctx
        .table("t")
        .await
        .map_err(Error::internal)?
        .schema()
        .as_arrow()
        .clone();
    let row_count = crate::parquet_row_count(path)?;
    let exact = row_count < EXACT_DISTINCT_ROWS;

    // One pass over the table for the per-column aggregates.
    let mut exprs = vec!["COUNT(*)".to_string()];
    let mut layout = Vec::new(); // (first expression index, has moments)
    for f in schema.fields() {
        let c = ident(f.name());
        let t = crate::types::column_type_of(f.data_type());
        let start = exprs.len();
        exprs.push(format!("COUNT({c})"));
        // approx_distinct takes integers and strings only: map other types onto those.
        exprs.push(match t {
            _ if exact || t == ColumnType::Boolean => format!("COUNT(DISTINCT {c})"),
            ColumnType::Float => format!("approx_distinct(CAST({c} AS VARCHAR))"),
            ColumnType::Date => format!("approx_distinct(CAST({c} AS INT))"),
            ColumnType::Datetime => format!("approx_distinct(CAST({c} AS BIGINT))"),
            _ => format!("approx_distinct({c})"),
        });
        let orderable = !matches!(f.data_type(), DataType::Boolean);
        if orderable {
            exprs.push(format!("MIN({c})"));
            exprs.push(format!("MAX({c})"));
        }
        let numeric = t.is_numeric();
        if numeric {
            exprs.push(format!("AVG(CAST({c} AS DOUBLE))"));
            exprs.push(format!("STDDEV(CAST({c} AS DOUBLE))"));
        }
        let as_number = match t {
            ColumnType::Integer | ColumnType::Float => Some(format!("CAST({c} AS DOUBLE)")),
            ColumnType::Date => Some(format!("CAST(CAST({c} AS INT) AS DOUBLE)")),
            ColumnType::Datetime => Some(format!("CAST(CAST({c} AS BIGINT) AS DOUBLE)")),
            _ => None,
        };
        if let Some(e) = &as_number {
            for p in ["0.25", "0.5", "0.75"] {
                exprs.push(format!(
                    "approx_percentile_cont({p}) WITHIN GROUP (ORDER BY {e})"
                ));
            }
        }
        layout.push((start, orderable, numeric, as_number.is_some()));
    }
    let batches = collect(&ctx, &format!("SELECT {} FROM t", exprs.join(", "))).await?;
    let row: Vec<Value> = (0..exprs.len())
        .map(|i| cell(&batches, i))
        .collect::<Result<_>>()?;

    let mut columns = Vec::with_capacity(schema.fields().len());
    for (f, (start, orderable, numeric, quantiled)) in schema.fields().iter().zip(layout) {
        let t = crate::types::column_type_of(f.data_type());
        let c = ident(f.name());
        let mut i = start;
        let mut next = || {
            let v = row[i].clone();
            i += 1;
            v
        };
        let non_null = as_u64(&next());
        let distinct = as_u64(&next()).min(non_null);
        let (min, max) = if orderable {
            (Some(next()), Some(next()))
        } else {
            (None, None)
        };
        let (mean, stddev) = if numeric {
            (next().as_f64(), next().as_f64())
        } else {
            (None, None)
        };
        let quantiles = if quantiled {
            let (a, b, c) = (next(), next(), next());
            Some(Quantiles {
                p25: quantile_value(t, a),
                p50: quantile_value(t, b),
                p75: quantile_value(t, c),
            })
        } else {
            None
        };
        let null_count = row_count.saturating_sub(non_null);

        let mut top_values = Vec::new();
        let mut value_index = None;
        let textual = matches!(t, ColumnType::String | ColumnType::Boolean);
        if textual && non_null > 0 && distinct <= TOP_VALUES_MAX_DISTINCT {
            let limit = VALUE_INDEX_MAX + 1;
            let sql = format!(
                "SELECT {c} AS v, COUNT(*) AS n FROM t WHERE {c} IS NOT NULL GROUP BY {c} ORDER BY n DESC, v LIMIT {limit}"
            );
            let counts = value_counts(&collect(&ctx, &sql).await?)?;
            if t == ColumnType::String && (counts.len() as u64) <= VALUE_INDEX_MAX {
                value_index = Some(counts.clone());
            }
            top_values = counts.into_iter().take(TOP_N).collect();
        }

        let histogram = match (
            numeric,
            min.as_ref().and_then(Value::as_f64),
            max.as_ref().and_then(Value::as_f64),
        ) {
            (true, Some(lo), Some(hi)) if non_null > 0 => Some(histogram(&ctx, &c, lo, hi).await?),
            _ => None,
        };

        let mut flags = ColumnFlags {
            all_null: non_null == 0,
            constant: non_null > 0 && distinct == 1,
            ..Default::default()
        };
        let unique =
            non_null > 1 && distinct as f64 >= non_null as f64 * if exact { 1.0 } else { 0.97 };
        let name_says_id = {
            let n = f.name().to_ascii_lowercase();
            n == "id"
                || n.ends_with("_id")
                || n.ends_with("id") && n.len() <= 4
                || n.contains("uuid")
                || n.ends_with("_key")
                || n.ends_with("_code")
                || n.ends_with("_no")
                || n.ends_with("number")
        };
        flags.looks_like_id = unique
            && matches!(t, ColumnType::Integer | ColumnType::String)
            && (name_says_id || t == ColumnType::String || null_count == 0);
        if t == ColumnType::String && non_null > 0 {
            let sql = format!("SELECT {c} FROM t WHERE {c} IS NOT NULL LIMIT 2000");
            let sample = collect(&ctx, &sql).await?;
            let (mut numbers, mut dates, mut total) = (0usize, 0usize, 0usize);
            for b in &sample {
                let col = datafusion::arrow::compute::cast(b.column(0), &DataType::Utf8)
                    .map_err(Error::internal)?;
                let s = col.as_string::<i32>();
                for k in 0..s.len() {
                    if s.is_null(k) {
                        continue;
                    }
                    let v = s.value(k);
                    total += 1;
                    // Zero-padded codes (`00042`) count as numbers stored as text too.
                    let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
                    if digits
                        || values::parse_number(v, false).is_some()
                        || values::parse_number(v, true).is_some()
                    {
                        numbers += 1;
                    } else if values::parse_temporal(v).is_some() {
                        dates += 1;
                    }
                }
            }
            let typed = numbers + dates;
            if total > 0 {
                flags.numbers_as_text = numbers * 10 >= total * 9;
                flags.mixed_types = typed * 10 >= total && typed * 10 < total * 9;
            }
        }

        columns.push(ColumnProfile {
            name: f.name().clone(),
            column_type: t,
            null_count,
            distinct_count: distinct,
            distinct_approximate: !exact,
            min,
            max,
            mean,
            stddev,
            quantiles,
            top_values,
            histogram,
            flags,
            value_index,
        });
    }
    Ok(Profile { row_count, columns })
}

/// Dates and timestamps come back from the percentile as day or microsecond numbers.
fn quantile_value(t: ColumnType, v: Value) -> Value {
    let Some(x) = v.as_f64() else {
        return Value::Null;
    };
    match t {
        ColumnType::Date => {
            chrono::NaiveDate::from_num_days_from_ce_opt(x.round() as i32 + 719_163)
                .map(|d| Value::String(d.to_string()))
                .unwrap_or(Value::Null)
        }
        ColumnType::Datetime => chrono::DateTime::from_timestamp_micros(x.round() as i64)
            .map(|d| Value::String(d.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string()))
            .unwrap_or(Value::Null),
        _ => v,
    }
}

fn value_counts(batches: &[RecordBatch]) -> Result<Vec<ValueCount>> {
    let mut out = Vec::new();
    for b in batches {
        let vals = encode_column(b.column(0))?;
        let counts = datafusion::arrow::compute::cast(b.column(1), &DataType::Int64)
            .map_err(Error::internal)?;
        let counts = counts.as_primitive::<Int64Type>();
        for (k, v) in vals.into_iter().enumerate() {
            out.push(ValueCount {
                value: v,
                count: counts.value(k).max(0) as u64,
            });
        }
    }
    Ok(out)
}

async fn histogram(ctx: &SessionContext, c: &str, lo: f64, hi: f64) -> Result<Vec<HistogramBin>> {
    if !(lo.is_finite() && hi.is_finite()) {
        return Ok(Vec::new());
    }
    let bins = if hi > lo { HISTOGRAM_BINS } else { 1 };
    let width = if hi > lo {
        (hi - lo) / bins as f64
    } else {
        1.0
    };
    let sql = format!(
        "SELECT LEAST(CAST(FLOOR((CAST({c} AS DOUBLE) - {lo:?}) / {width:?}) AS BIGINT), {last}) AS b, COUNT(*) AS n \
         FROM t WHERE {c} IS NOT NULL GROUP BY 1",
        last = bins - 1
    );
    let mut counts = vec![0u64; bins];
    for b in collect(ctx, &sql).await? {
        let idx = datafusion::arrow::compute::cast(b.column(0), &DataType::Int64)
            .map_err(Error::internal)?;
        let n = datafusion::arrow::compute::cast(b.column(1), &DataType::Int64)
            .map_err(Error::internal)?;
        let (idx, n) = (
            idx.as_primitive::<Int64Type>(),
            n.as_primitive::<Int64Type>(),
        );
        for k in 0..b.num_rows() {
            let i = idx.value(k).clamp(0, bins as i64 - 1) as usize;
            counts[i] += n.value(k).max(0) as u64;
        }
    }
    Ok(counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| HistogramBin {
            lower: lo + width * i as f64,
            upper: if i + 1 == bins {
                hi.max(lo + width * (i + 1) as f64)
                    .min(lo + width * bins as f64)
            } else {
                lo + width * (i + 1) as f64
            },
            count,
        })
        .collect())
}
