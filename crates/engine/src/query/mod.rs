//! Sandboxed SQL execution: a fresh DataFusion session per call holding only the
//! caller's tables, one read-only statement, a timeout, a memory pool and a row cap.

mod column_cache;
mod eager_filters;
mod errors;
mod guard;
mod headers;
mod string_groups;

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::TableReference;
use datafusion::execution::cache::cache_manager::{
    CacheManagerConfig, CachedFileMetadata, CachedFileMetadataEntry, FileMetadataCache,
    FileStatisticsCache, TableScopedPath, DEFAULT_FILE_STATISTICS_MEMORY_LIMIT,
    DEFAULT_METADATA_CACHE_LIMIT,
};
use datafusion::execution::cache::default_cache::DefaultCache;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::{ParquetReadOptions, SQLOptions, SessionConfig, SessionContext};
use futures::StreamExt;

use domain::ColumnName;

use crate::error::{Error, Result};

pub use crate::result::{encode_batches, encode_column, result_columns, QueryResult, ResultColumn};
use column_cache::CachedParquetTable;
pub use column_cache::ColumnCache;
#[allow(unused_imports)]
pub(crate) use errors::closest;
use headers::Headers;

/// Partitions DataFusion splits a query into, per sandbox thread.
pub const PARTITIONS_PER_THREAD: usize = 2;

/// Limits applied to every query a [`Sandbox`] runs.
#[derive(Debug, Clone)]
pub struct SandboxLimits {
    /// Wall-clock limit per query (default 30 s).
    pub timeout: Duration,
    /// Memory pool per query; operators that can spill do, the rest fail cleanly (default 512 MiB).
    pub memory_bytes: usize,
    /// Rows returned in a [`QueryResult`] (default 10,000); the true count is still reported.
    pub max_rows: usize,
    /// Worker threads of the sandbox's own runtime (DataFusion splits each query
    /// into [`PARTITIONS_PER_THREAD`] partitions per thread)
    /// (default: the number of CPUs).
    pub threads: usize,
    /// Decoded columns kept in memory across queries, shared by all of them
    /// (default 1 GiB; 0 turns the cache off). See [`ColumnCache`].
    pub column_cache_bytes: u64,
}

impl Default for SandboxLimits {
    fn default() -> Self {
        SandboxLimits {
            timeout: Duration::from_secs(30),
            memory_bytes: 512 * 1024 * 1024,
            max_rows: 10_000,
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            column_cache_bytes: 1 << 30,
        }
    }
}

/// A table the query may read: its SQL name, its Parquet snapshot on local disk
/// and, when known, its columns' headers (so SQL may name a column as the file did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRef {
    pub name: String,
    pub parquet_path: PathBuf,
    pub columns: Arc<[ColumnName]>,
}

impl TableRef {
    /// A table whose columns are known only by their SQL names.
    pub fn new(name: impl Into<String>, parquet_path: impl Into<PathBuf>) -> Self {
        TableRef {
            name: name.into(),
            parquet_path: parquet_path.into(),
            columns: Arc::from([]),
        }
    }

    /// The same table, whose columns also answer to these headers.
    pub fn with_columns(mut self, columns: impl Into<Arc<[ColumnName]>>) -> Self {
        self.columns = columns.into();
        self
    }
}

/// Record batches of a query, for export (CSV, XLSX, JSON, Parquet).
#[derive(Debug, Clone)]
pub struct QueryBatches {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    /// Rows the query produced in total.
    pub row_count: u64,
    /// True when `batches` hold fewer rows than `row_count`.
    pub truncated: bool,
}

/// Runs DataFusion on its own multi-threaded Tokio runtime, so a slow query never
/// occupies the threads that serve requests. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Sandbox {
    limits: SandboxLimits,
    runtime: Arc<DedicatedRuntime>,
    /// Parquet footers and file statistics, kept across queries (entries are checked
    /// against each file's size and modification time, so a new snapshot is re-read).
    file_caches: CacheManagerConfig,
    /// Decoded columns of snapshots; `None` when `limits.column_cache_bytes` is 0.
    columns: Option<ColumnCache>,
}

/// Owns the runtime and shuts it down without blocking, so dropping a `Sandbox`
/// inside async code (tests, server shutdown) does not panic.
struct DedicatedRuntime(Option<tokio::runtime::Runtime>);

impl Drop for DedicatedRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("limits", &self.limits)
            .finish()
    }
}

impl Sandbox {
    /// Create a sandbox with its own runtime of `limits.threads` workers.
    pub fn new(limits: SandboxLimits) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(limits.threads.max(1))
            .thread_name("insightiq-query")
            .enable_all()
            .build()
            .map_err(|e| Error::io("tokio runtime", e))?;
        let columns = (limits.column_cache_bytes > 0)
            .then(|| ColumnCache::new(limits.column_cache_bytes, limits.threads));
        Ok(Sandbox {
            limits,
            runtime: Arc::new(DedicatedRuntime(Some(runtime))),
            file_caches: shared_file_caches(),
            columns,
        })
    }

    pub fn limits(&self) -> &SandboxLimits {
        &self.limits
    }

    /// The decoded-column cache, if it is on.
    pub fn column_cache(&self) -> Option<&ColumnCache> {
        self.columns.as_ref()
    }

    /// Drop what the sandbox keeps of the snapshot at `parquet_path` (call it when
    /// the snapshot is deleted; a replaced file is noticed without it).
    pub fn forget_snapshot(&self, parquet_path: &Path) {
        if let Some(columns) = &self.columns {
            columns.forget(parquet_path);
        }
    }

    /// Run one read-only SQL statement over `tables` (the `default_table` is also
    /// registered as `data`) and return at most `limits.max_rows` rows.
    pub async fn execute(
        &self,
        tables: &[TableRef],
        default_table: Option<&str>,
        sql: &str,
    ) -> Result<QueryResult> {
        let out = self
            .execute_batches(tables, default_table, sql, Some(self.limits.max_rows))
            .await?;
        encode_batches(&out.schema, &out.batches, out.row_count)
    }

    /// Like [`Sandbox::execute`] but returns Arrow batches, keeping up to `max_rows`
    /// rows (`None`: all rows — use only for exports, still bounded by time and memory).
    pub async fn execute_batches(
        &self,
        tables: &[TableRef],
        default_table: Option<&str>,
        sql: &str,
        max_rows: Option<usize>,
    ) -> Result<QueryBatches> {
        // Parse and refuse before anything is registered or spawned.
        let mut statement = guard::parse_single_query(sql)?;
        let headers = Headers::read_by(&statement, tables, default_table);
        headers::resolve_headers(&mut statement, &headers);
        let tables = tables.to_vec();
        let default_table = default_table.map(str::to_string);
        let limits = self.limits.clone();
        let caches = Caches {
            files: self.file_caches.clone(),
            columns: self.columns.clone(),
        };
        self.run(async move {
            let (ctx, names) = session(&limits, &caches, &tables, default_table.as_deref()).await?;
            let state = ctx.state();
            let plan = state
                .statement_to_plan(statement)
                .await
                .map_err(|e| map_err(e, &names, &limits, &headers))?;
            SQLOptions::new()
                .with_allow_ddl(false)
                .with_allow_dml(false)
                .with_allow_statements(false)
                .verify_plan(&plan)
                .map_err(|e| Error::SqlNotAllowed {
                    statement: e.message().to_string(),
                })?;
            let optimized = state
                .optimize(&plan)
                .map_err(|e| map_err(e, &names, &limits, &headers))?;
            refuse_explosive_plans(&optimized, &table_rows(&tables, default_table.as_deref()))?;
            let df = ctx
                .execute_logical_plan(plan)
                .await
                .map_err(|e| map_err(e, &names, &limits, &headers))?;
            let stream = df
                .execute_stream()
                .await
                .map_err(|e| map_err(e, &names, &limits, &headers))?;
            collect_capped(stream, max_rows, &names, &limits, &headers).await
        })
        .await
    }

    /// Rows `offset..offset+limit` of one Parquet snapshot, with the snapshot's total row count.
    pub async fn preview(
        &self,
        parquet_path: &Path,
        offset: u64,
        limit: u64,
    ) -> Result<QueryResult> {
        let table = TableRef::new("data", parquet_path.to_path_buf());
        let limit = limit.min(self.limits.max_rows as u64);
        let sql = format!("SELECT * FROM data LIMIT {limit} OFFSET {offset}");
        let page = self
            .execute_batches(std::slice::from_ref(&table), None, &sql, None)
            .await?;
        let total = crate::parquet_row_count(parquet_path)?;
        let mut result = encode_batches(&page.schema, &page.batches, total)?;
        result.truncated = offset + (result.rows.len() as u64) < total;
        Ok(result)
    }

    /// Profile a Parquet snapshot on the sandbox runtime (no row cap; the timeout applies).
    pub async fn profile(&self, parquet_path: &Path) -> Result<crate::profile::Profile> {
        let path = parquet_path.to_path_buf();
        self.run_with_timeout(
            async move { crate::profile::profile_parquet(&path).await },
            self.limits.timeout.max(Duration::from_secs(300)),
        )
        .await
    }

    /// Spawn `fut` on the sandbox runtime and enforce the timeout from the caller's side,
    /// so the deadline holds even when the query threads are saturated.
    async fn run<T: Send + 'static>(
        &self,
        fut: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        self.run_with_timeout(fut, self.limits.timeout).await
    }

    async fn run_with_timeout<T: Send + 'static>(
        &self,
        fut: impl Future<Output = Result<T>> + Send + 'static,
        timeout: Duration,
    ) -> Result<T> {
        let rt = self
            .runtime
            .0
            .as_ref()
            .ok_or_else(|| Error::internal("query runtime is shut down"))?;
        let mut handle = rt.spawn(fut);
        match tokio::time::timeout(timeout, &mut handle).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(Error::Internal(format!("query task failed: {join}"))),
            Err(_) => {
                // Dropping the future cancels DataFusion's streams and spawned tasks.
                handle.abort();
                Err(Error::QueryTimeout {
                    seconds: timeout.as_secs().max(1),
                })
            }
        }
    }
}

fn map_err(
    e: datafusion::error::DataFusionError,
    names: &[String],
    limits: &SandboxLimits,
    headers: &Headers,
) -> Error {
    match errors::map_datafusion_error(e, names) {
        Error::QueryMemoryExceeded { .. } => Error::QueryMemoryExceeded {
            limit_bytes: limits.memory_bytes,
        },
        Error::UnknownColumn {
            column,
            suggestions,
        } => Error::UnknownColumn {
            suggestions: headers.suggestions(&column, &suggestions),
            column,
        },
        other => other,
    }
}

/// Caches of file metadata shared by every query of a sandbox. File listings are
/// not shared: a snapshot replaced in place must be seen at once.
fn shared_file_caches() -> CacheManagerConfig {
    let metadata: Arc<FileMetadataCache> = Arc::new(DefaultCache::<
        object_store::path::Path,
        CachedFileMetadataEntry,
    >::new(DEFAULT_METADATA_CACHE_LIMIT));
    let statistics: Arc<FileStatisticsCache> =
        Arc::new(DefaultCache::<TableScopedPath, CachedFileMetadata>::new(
            DEFAULT_FILE_STATISTICS_MEMORY_LIMIT,
        ));
    CacheManagerConfig::default()
        .with_file_metadata_cache(Some(metadata))
        .with_file_statistics_cache(Some(statistics))
}

/// What a sandbox's sessions share across queries.
struct Caches {
    files: CacheManagerConfig,
    columns: Option<ColumnCache>,
}

/// A fresh session: no table functions, no URL tables, a memory pool of its own,
/// and only the given tables.
async fn session(
    limits: &SandboxLimits,
    caches: &Caches,
    tables: &[TableRef],
    default_table: Option<&str>,
) -> Result<(SessionContext, Vec<String>)> {
    let runtime = RuntimeEnvBuilder::new()
        .with_cache_manager(caches.files.clone())
        .with_memory_limit(limits.memory_bytes, 1.0)
        .build_arc()
        .map_err(Error::internal)?;
    let config = SessionConfig::new()
        // More partitions than threads: while one waits for a read of its file,
        // its thread decodes another (measured: 2 per thread beats 1 and 4).
        .with_target_partitions(limits.threads.max(1) * PARTITIONS_PER_THREAD)
        .with_information_schema(false);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(runtime)
        .with_default_features()
        .with_physical_optimizer_rule(Arc::new(eager_filters::EagerRangeFilters))
        .with_physical_optimizer_rule(Arc::new(string_groups::StringKeyAggregation::default()))
        .with_table_functions(HashMap::new())
        .build();
    let ctx = SessionContext::new_with_state(state);
    let mut names = Vec::with_capacity(tables.len() + 1);
    for t in tables {
        register(&ctx, &t.name, &t.parquet_path, &caches.columns).await?;
        names.push(t.name.clone());
    }
    if let Some(default) = default_table {
        let t = tables.iter().find(|t| t.name == default).ok_or_else(|| {
            Error::internal(format!(
                "default table `{default}` is not in the table list"
            ))
        })?;
        if default != "data" {
            register(&ctx, "data", &t.parquet_path, &caches.columns).await?;
            names.push("data".into());
        }
    }
    Ok((ctx, names))
}

async fn register(
    ctx: &SessionContext,
    name: &str,
    path: &Path,
    columns: &Option<ColumnCache>,
) -> Result<()> {
    let path_str = path
        .to_str()
        .ok_or_else(|| Error::internal(format!("non UTF-8 path {}", path.display())))?;
    if !path.is_file() {
        return Err(Error::NotFound {
            key: path.display().to_string(),
        });
    }
    let name = TableReference::bare(name);
    ctx.register_parquet(name.clone(), path_str, ParquetReadOptions::default())
        .await
        .map_err(Error::internal)?;
    if let Some(columns) = columns {
        let parquet = ctx
            .table_provider(name.clone())
            .await
            .map_err(Error::internal)?;
        let cached = CachedParquetTable::new(parquet, path.to_path_buf(), columns.clone());
        ctx.deregister_table(name.clone())
            .map_err(Error::internal)?;
        ctx.register_table(name, Arc::new(cached))
            .map_err(Error::internal)?;
    }
    Ok(())
}

/// Most rows any one operator of a plan may be estimated to produce. Cancelling a
/// CPU-bound DataFusion operator only takes effect when it yields, so a cross join of
/// billions of rows would keep the query threads busy long after its timeout: such
/// plans are refused before they start.
pub const MAX_INTERMEDIATE_ROWS: u64 = 1_000_000_000;

/// Row counts of the registered tables (from the Parquet footers), by SQL name.
fn table_rows(tables: &[TableRef], default_table: Option<&str>) -> HashMap<String, u64> {
    let mut rows: HashMap<String, u64> = tables
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                crate::parquet_row_count(&t.parquet_path).unwrap_or(0),
            )
        })
        .collect();
    if let Some(n) = default_table.and_then(|d| rows.get(d).copied()) {
        rows.insert("data".into(), n);
    }
    rows
}

/// Refuses a plan in which some step would produce more than
/// [`MAX_INTERMEDIATE_ROWS`] rows: joins without keys multiply their inputs.
fn refuse_explosive_plans(plan: &LogicalPlan, table_rows: &HashMap<String, u64>) -> Result<()> {
    estimate_rows(plan, table_rows).map(|_| ())
}

fn estimate_rows(plan: &LogicalPlan, table_rows: &HashMap<String, u64>) -> Result<u64> {
    let inputs = plan
        .inputs()
        .into_iter()
        .map(|p| estimate_rows(p, table_rows))
        .collect::<Result<Vec<u64>>>()?;
    let rows = match plan {
        LogicalPlan::TableScan(scan) => table_rows
            .get(scan.table_name.table())
            .copied()
            .unwrap_or(0),
        LogicalPlan::Join(join) if join.on.is_empty() => {
            inputs.iter().fold(1u64, |acc, n| acc.saturating_mul(*n))
        }
        LogicalPlan::Union(_) => inputs.iter().sum(),
        _ => inputs.iter().copied().max().unwrap_or(0),
    };
    if rows > MAX_INTERMEDIATE_ROWS {
        return Err(Error::QueryTooLarge {
            rows,
            limit: MAX_INTERMEDIATE_ROWS,
        });
    }
    Ok(rows)
}

/// Drain the stream, keeping the first `max_rows` rows and counting the rest.
async fn collect_capped(
    mut stream: datafusion::physical_plan::SendableRecordBatchStream,
    max_rows: Option<usize>,
    names: &[String],
    limits: &SandboxLimits,
    headers: &Headers,
) -> Result<QueryBatches> {
    let schema = stream.schema();
    let cap = max_rows.unwrap_or(usize::MAX);
    let mut kept = 0usize;
    let mut row_count = 0u64;
    let mut batches = Vec::new();
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(|e| map_err(e, names, limits, headers))?;
        row_count += batch.num_rows() as u64;
        if kept < cap {
            let take = (cap - kept).min(batch.num_rows());
            batches.push(batch.slice(0, take));
            kept += take;
        }
    }
    Ok(QueryBatches {
        schema,
        batches,
        row_count,
        truncated: (kept as u64) < row_count,
    })
}
