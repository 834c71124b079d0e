//! Ingest: CSV/TSV, XLSX and JSON files -> typed, zstd-compressed Parquet snapshots,
//! with column metadata (original and SQL-safe names, types, formats, null counts).

mod build;
mod delimited;
mod infer;
mod json;
mod names;
mod parallel;
mod sniff;
mod typed;
pub mod values;
mod xlsx;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::types::ColumnInfo;

pub use infer::{ColumnInference, ColumnPlan};
pub use names::{fix_names, sql_names};
pub use sniff::SourceFormat;
pub use typed::TypedIngest;

/// Knobs for one ingest. `Default` gives the product's limits.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// XLSX: the sheet to read (default: the first).
    pub sheet: Option<String>,
    /// Declared text encoding (`utf-8`, `windows-1252`, ...); default: detect.
    pub encoding: Option<String>,
    /// Delimiter override (`b','`, `b';'`, `b'\t'`, `b'|'`); default: detect.
    pub delimiter: Option<u8>,
    /// Header override; default: detect.
    pub has_header: Option<bool>,
    /// Largest single value accepted (default 1 MiB).
    pub max_field_bytes: usize,
    /// Most columns accepted (default 2,000).
    pub max_columns: usize,
    /// Largest input file accepted (default: none here; the server enforces its upload cap).
    pub max_file_bytes: Option<u64>,
    /// Largest total unpacked size of an XLSX (zip bomb guard, default 1 GiB).
    pub max_xlsx_unpacked_bytes: u64,
    /// Deepest JSON nesting accepted (default 64).
    pub max_json_depth: usize,
    /// Bytes of a delimited file per span read on its own thread (default: chosen
    /// from the file size, 8–64 MiB). Tests set it small to cut files in many places.
    pub span_bytes: Option<u64>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            sheet: None,
            encoding: None,
            delimiter: None,
            has_header: None,
            max_field_bytes: 1024 * 1024,
            max_columns: 2_000,
            max_file_bytes: None,
            max_xlsx_unpacked_bytes: 1 << 30,
            max_json_depth: 64,
            span_bytes: None,
        }
    }
}

/// What an ingest produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    pub row_count: u64,
    pub columns: Vec<ColumnInfo>,
    pub format: SourceFormat,
    /// Text encoding detected (delimited files).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub encoding: Option<String>,
    /// Delimiter used (delimited files).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub delimiter: Option<char>,
    pub has_header: bool,
    /// Sheet read (XLSX).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sheet: Option<String>,
}

/// A source of text rows, readable more than once (inference pass, then conversion pass).
pub(crate) trait Rows {
    /// Call `f` with each data row (header excluded); rows may be shorter than the header.
    fn scan(&mut self, f: &mut dyn FnMut(&[&str]) -> Result<()>) -> Result<()>;
    /// Switch to a fallback reading after an encoding error; false if there is none.
    fn fallback(&mut self) -> Result<bool> {
        Ok(false)
    }
    /// The same rows, readable in spans on several threads, when the source allows it.
    fn split(&self) -> Option<&dyn parallel::SplitRows> {
        None
    }
}

/// Two passes for sources read front to back (JSON, XLSX): infer types from every
/// value, then convert. Returns the plans, the row count and nulls per column.
fn write_sequential(
    table: &mut TableText,
    sql_names: &[String],
    out: &Path,
) -> Result<(Vec<ColumnPlan>, u64, Vec<u64>)> {
    let mut inference: Vec<ColumnInference> = (0..sql_names.len())
        .map(|_| ColumnInference::new(table.allow_decimal_comma))
        .collect();
    let mut count = 0u64;
    table.rows.scan(&mut |row| {
        count += 1;
        for (inf, v) in inference.iter_mut().zip(row) {
            inf.observe(v);
        }
        Ok(())
    })?;
    if count == 0 {
        return Ok((Vec::new(), 0, Vec::new()));
    }
    let plans: Vec<ColumnPlan> = inference.iter().map(ColumnInference::decide).collect();
    let schema = build::schema(sql_names, &plans);
    let mut sink = build::ParquetSink::create(out, schema, plans.clone())?;
    table
        .rows
        .scan(&mut |row| sink.push_row(row.iter().copied()))?;
    let (rows, nulls) = sink.finish()?;
    Ok((plans, rows, nulls))
}

/// A file opened as a table of text values.
pub(crate) struct TableText {
    pub headers: Vec<String>,
    pub allow_decimal_comma: bool,
    pub rows: Box<dyn Rows>,
    pub encoding: Option<String>,
    pub delimiter: Option<char>,
    pub has_header: bool,
    pub sheet: Option<String>,
}

/// Ingest `src` (uploaded as `file_name`) into a Parquet file at `parquet_out`.
///
/// Synchronous and CPU-bound: call it from `spawn_blocking`. Delimited files are
/// streamed in spans on one thread per core (see `parallel`), so memory stays
/// bounded; JSON and XLSX are read in two passes (infer, then convert). On error
/// nothing is written at `parquet_out` (an existing file there is left untouched).
pub fn ingest_file(
    src: &Path,
    file_name: &str,
    opts: &IngestOptions,
    parquet_out: &Path,
) -> Result<IngestReport> {
    let meta = std::fs::metadata(src).map_err(|e| Error::io(src, e))?;
    if let Some(limit) = opts.max_file_bytes {
        if meta.len() > limit {
            return Err(Error::FileTooLarge { limit_bytes: limit });
        }
    }
    if meta.len() == 0 {
        // Still refuse unknown extensions first: that is the more useful message.
        sniff::detect_format(file_name, &[])?;
        return Err(Error::EmptyFile);
    }
    let head = {
        use std::io::Read;
        let mut buf = Vec::with_capacity(8192);
        std::fs::File::open(src)
            .map_err(|e| Error::io(src, e))?
            .take(8192)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(src, e))?;
        buf
    };
    let format = sniff::detect_format(file_name, &head)?;
    let table = match format {
        SourceFormat::Csv => delimited::open(src, file_name, opts, parquet_out)?,
        SourceFormat::Json => json::open(src, opts)?,
        SourceFormat::Xlsx => xlsx::open(src, opts)?,
    };
    write_table(table, format, parquet_out)
}

fn write_table(mut table: TableText, format: SourceFormat, out: &Path) -> Result<IngestReport> {
    let ncols = table.headers.len();
    if ncols == 0 {
        return Err(Error::EmptyFile);
    }
    let display = fix_names(&table.headers);
    let sql = sql_names(&display);
    let no_rows = |table: &TableText| {
        if table.has_header {
            Error::HeaderOnly
        } else {
            Error::EmptyFile
        }
    };
    // Text that looked like UTF-8 but turns out not to be is read again as Windows-1252.
    let (plans, row_count, nulls) = loop {
        let result = match table.rows.split() {
            Some(source) => parallel::ingest(source, &sql, table.allow_decimal_comma, out),
            None => break write_sequential(&mut table, &sql, out)?,
        };
        match result {
            Ok(converted) if converted.rows == 0 => return Err(no_rows(&table)),
            Ok(converted) => {
                let parallel::Converted {
                    plans,
                    rows,
                    null_counts,
                    file,
                } = converted;
                file.finish()?;
                break (plans, rows, null_counts);
            }
            Err(e @ Error::InvalidEncoding { .. }) => {
                if !table.rows.fallback()? {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
    };
    if row_count == 0 {
        return Err(no_rows(&table));
    }
    let columns = display
        .into_iter()
        .zip(sql)
        .zip(plans)
        .zip(nulls)
        .map(|(((name, sql_name), plan), null_count)| ColumnInfo {
            name,
            sql_name,
            column_type: plan.column_type,
            nullable: null_count > 0,
            null_count,
            date_order: plan.date_order,
            number_format: plan.number_format,
        })
        .collect();
    Ok(IngestReport {
        row_count,
        columns,
        format,
        encoding: table.encoding,
        delimiter: table.delimiter,
        has_header: table.has_header,
        sheet: table.sheet,
    })
}
