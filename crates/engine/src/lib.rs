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
//! let tables = [TableRef { name: "sales".into(), parquet_path: path }];
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
//! **Errors** ([`Error`]): one enum; [`Error::code`] gives a stable snake_case code and
//! [`Error::is_user_error`] says whether to answer 4xx (the person can fix it) or 500.

pub mod error;
pub mod ingest;
pub mod profile;
pub mod query;
pub mod types;

use std::path::Path;

pub use error::{Error, Result};
pub use ingest::{ingest_file, IngestOptions, IngestReport, SourceFormat};
pub use profile::{profile_parquet, ColumnProfile, Profile};
pub use query::{QueryBatches, QueryResult, ResultColumn, Sandbox, SandboxLimits, TableRef};
pub use types::{ColumnInfo, ColumnType, DateOrder, NumberFormat};

/// Row count of a Parquet file, read from its footer only.
pub fn parquet_row_count(path: &Path) -> Result<u64> {
    use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(Error::internal)?;
    Ok(reader.metadata().file_metadata().num_rows().max(0) as u64)
}
