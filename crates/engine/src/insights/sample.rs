//! Deterministic sampling of large snapshots: rows are kept by a hash of their content,
//! written once to a temporary Parquet file that every finder then reads instead.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::parquet::arrow::ArrowWriter;

use super::text::ident;
use super::InsightColumn;
use crate::error::{Error, Result};
use crate::query::{Sandbox, TableRef};

/// A sample file, removed when dropped.
pub struct Sample {
    path: PathBuf,
    pub rows: u64,
}

impl Sample {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Sample {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The filter keeping about `keep` of `total` rows: the first 8 hex digits of the MD5 of
/// the row's values, compared as text with a threshold (fixed-width lowercase hex sorts
/// like the number). Same rows, same sample; identical rows are kept or dropped together.
pub fn filter(columns: &[InsightColumn], keep: u64, total: u64) -> String {
    let fraction = (keep as f64 / total.max(1) as f64).clamp(0.0, 1.0);
    let threshold = ((fraction * 4_294_967_296.0) as u64).min(0xffff_ffff);
    let values: Vec<String> = columns
        .iter()
        .map(|c| format!("CAST({} AS VARCHAR)", ident(&c.sql_name)))
        .collect();
    format!(
        "substr(md5(concat_ws('|', {})), 1, 8) < '{threshold:08x}'",
        values.join(", ")
    )
}

/// Run the sampling query once and write its rows to a temporary Parquet file.
pub async fn write(
    sandbox: &Sandbox,
    parquet_path: &Path,
    columns: &[InsightColumn],
    keep: u64,
    total: u64,
) -> Result<Sample> {
    let table = TableRef::new("data", parquet_path.to_path_buf());
    let sql = format!("SELECT * FROM data WHERE {}", filter(columns, keep, total));
    let batches = sandbox
        .execute_batches(std::slice::from_ref(&table), Some("data"), &sql, None)
        .await?;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "insightiq-insights-sample-{}-{}.parquet",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let sample = Sample {
        path: path.clone(),
        rows: batches.row_count,
    };
    // Parquet encoding is CPU work: keep it off the async worker.
    tokio::task::spawn_blocking(move || -> Result<()> {
        let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut writer =
            ArrowWriter::try_new(file, batches.schema.clone(), None).map_err(Error::internal)?;
        for batch in &batches.batches {
            writer.write(batch).map_err(Error::internal)?;
        }
        writer.close().map_err(Error::internal)?;
        Ok(())
    })
    .await
    .map_err(Error::internal)??;
    Ok(sample)
}
