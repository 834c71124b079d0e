//! InsightIQ's data engine: ingest files into typed Parquet snapshots, profile them,
//! and run sandboxed SQL over them with DataFusion. It knows nothing of HTTP or users.
//!
//! # API used by the server
//!
//! **Types** ([`types`]): [`ColumnType`] (`integer`, `float`, `string`, `boolean`, `date`,
//! `datetime`, serialized lowercase) and [`ColumnInfo`] (original name, SQL-safe name,
//! type, nullability, null count, date order, number format).
//!
//! **Query** ([`query`]):
//! ```ignore
//! let sandbox = Sandbox::new(SandboxLimits::default())?;          // one per process; owns a runtime
//! let tables = [TableRef::new("sales", path)];
//! let result: QueryResult = sandbox.execute(&tables, Some("sales"), "SELECT region, SUM(revenue) FROM data GROUP BY 1").await?;
//! let batches: QueryBatches = sandbox.execute_batches(&tables, Some("sales"), sql, None).await?; // for export
//! let page: QueryResult = sandbox.preview(&path, offset, limit).await?;
//! ```
//! Each call builds a fresh DataFusion session on the sandbox's own Tokio runtime holding
//! only `tables` (the default one also as `data`), accepts exactly one SELECT (no DDL,
//! DML, `SET`, `COPY`, table functions or URL tables), and enforces
//! [`SandboxLimits`] `{ timeout, memory_bytes, max_rows, threads }`.
//! [`QueryResult`] is `{ columns: [{name, type, data_type}], rows, row_count, truncated }`.
//!
//! **Ingest** ([`ingest`], synchronous CPU work: call from `spawn_blocking`):
//! ```ignore
//! let report: IngestReport = ingest_file(&tmp_upload, "sales.csv", &IngestOptions::default(), &parquet_out)?;
//! // report.row_count, report.columns: Vec<ColumnInfo>, report.format / encoding / delimiter / has_header / sheet
//! ```
//! `.csv .tsv .txt` (UTF-8, UTF-8 BOM, UTF-16 LE/BE BOM, Windows-1252 fallback; `, ; tab |`;
//! header detection), `.xlsx` (first sheet or `IngestOptions::sheet`), `.json` (array of
//! objects or NDJSON). Two streaming passes (infer every value, then convert), zstd Parquet
//! whose column names are the SQL-safe names. Nothing is left at `parquet_out` on error.
//!
//! Typed batches (a database connector's) skip inference: `TypedIngest::create(&out,
//! &arrow_schema)?`, `.write(&batch)?` per batch, `.finish()? -> (rows, Vec<ColumnInfo>)`.
//!
//! **Profile** ([`profile`]): `sandbox.profile(&path).await` (or `profile_parquet(&path).await`
//! on the current runtime) -> [`Profile`] `{ row_count, columns: [ColumnProfile] }` with null and
//! distinct counts (exact below 100k rows), min/max/mean/stddev, p25/p50/p75, top values,
//! histograms, flags, and `value_index` (all values of text columns with <= 1,000 values).
//! The profile types are `domain`'s.
//!
//! **Schema** ([`schema`]): `source_schema(&report.columns, &mut profile)` ->
//! `domain::SourceSchema`, the record stored as a source's `columns_info` and read by the
//! question engine (`nlq::Schema::from_source`); the value index moves into it.
//!
//! **Export** ([`export`]): `export_batches(&QueryBatches, ExportFormat) -> Vec<u8>` for
//! CSV, XLSX, JSON (array of objects) and Parquet; `export_result(&QueryResult, ..)` for
//! the first three.
//!
//! **Storage** ([`storage`]): `Storage::local(data_dir)` or `Storage::new(Arc<dyn ObjectStore>)`;
//! `put_file(key, local)`, `put_bytes`, `delete`, `size`, `exists`, `local_path(key)`,
//! `local_copy(key, cache)`; keys from `upload_key(user, file, ext)` and
//! `processed_key(user, data_source)`.
//!
//! **Errors** ([`Error`]): one enum; [`Error::code`] gives a stable snake_case code and
//! [`Error::is_user_error`] says whether to answer 4xx (the person can fix it) or 500.

pub mod error;
pub mod export;
pub mod ingest;
pub mod insights;
pub mod profile;
pub mod query;
pub mod result;
pub mod schema;
pub mod storage;
pub mod types;

use std::path::Path;

pub use error::{Error, Result};
pub use export::ExportFormat;
pub use ingest::{ingest_file, IngestOptions, IngestReport, SourceFormat, TypedIngest};
pub use profile::{profile_parquet, ColumnProfile, Profile};
pub use query::{QueryBatches, QueryResult, ResultColumn, Sandbox, SandboxLimits, TableRef};
pub use result::Cell;
pub use schema::source_schema;
pub use storage::Storage;
pub use types::{ColumnInfo, ColumnType, DateOrder, NumberFormat};

/// Row count of a Parquet file, read from its footer only.
pub fn parquet_row_count(path: &Path) -> Result<u64> {
    use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(Error::internal)?;
    Ok(reader.metadata().file_metadata().num_rows().max(0) as u64)
}
