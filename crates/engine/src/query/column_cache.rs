//! Decoded columns of Parquet snapshots, kept in memory across queries.
//!
//! A snapshot is written once and then read by every question about its data
//! source, each of which would otherwise decompress and decode the same column
//! chunks again: for a filtered total over millions of rows, decoding is most of
//! the work. [`CachedParquetTable`] wraps the Parquet table of a session. A scan that
//! reads the whole table (no `LIMIT`) decodes the columns it needs once, every row
//! group in parallel, into a [`ColumnCache`] shared by all queries of a sandbox;
//! later scans read those Arrow arrays straight from memory, cut into batches and
//! spread evenly over the partitions.
//!
//! The cache is bounded in bytes (least recently used columns are dropped first),
//! and a table whose missing columns would take more than half of it is read from
//! Parquet as before. Entries are keyed by the file's path, size and modification
//! time, so a file replaced in place is decoded afresh. Filters are still applied
//! above the scan, exactly as for Parquet (whose statistics only skip row groups).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use datafusion::arrow::array::{Array, ArrayRef, RecordBatch, RecordBatchReader};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::catalog::{ScanArgs, ScanResult, Session, TableProvider};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown, TableType};
use datafusion::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use datafusion::parquet::arrow::ProjectionMask;
use datafusion::physical_plan::ExecutionPlan;

/// One column of one snapshot file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ColumnKey {
    file: FileIdentity,
    column: usize,
}

impl ColumnKey {
    fn new(file: &FileIdentity, column: usize) -> Self {
        ColumnKey {
            file: file.clone(),
            column,
        }
    }
}

/// A file as it is now: a file rewritten in place gets a new identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileIdentity {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

impl FileIdentity {
    fn of(path: &Path) -> std::io::Result<Self> {
        let meta = std::fs::metadata(path)?;
        Ok(FileIdentity {
            path: path.to_path_buf(),
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// A decoded column: one array per row group, in file order.
#[derive(Debug)]
struct CachedColumn {
    row_groups: Vec<ArrayRef>,
    bytes: usize,
}

/// Decoded columns shared by every query of a sandbox, at most `budget` bytes.
#[derive(Clone)]
pub struct ColumnCache {
    columns: moka::sync::Cache<ColumnKey, Arc<CachedColumn>>,
    budget: u64,
    /// Threads that decode a table's row groups on a miss.
    threads: usize,
}

impl std::fmt::Debug for ColumnCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnCache")
            .field("budget", &self.budget)
            .field("entries", &self.columns.entry_count())
            .finish()
    }
}

impl ColumnCache {
    /// A cache of at most `budget_bytes` decoded bytes; misses decode on `threads` threads.
    pub fn new(budget_bytes: u64, threads: usize) -> Self {
        let columns = moka::sync::Cache::builder()
            .max_capacity(budget_bytes)
            .weigher(|_: &ColumnKey, c: &Arc<CachedColumn>| {
                u32::try_from(c.bytes).unwrap_or(u32::MAX)
            })
            .build();
        ColumnCache {
            columns,
            budget: budget_bytes,
            threads: threads.max(1),
        }
    }

    /// Bytes of decoded columns held now (after pending evictions).
    pub fn bytes(&self) -> u64 {
        self.columns.run_pending_tasks();
        self.columns.weighted_size()
    }

    /// Drop every column of the file at `path` (its data source is gone).
    pub fn forget(&self, path: &Path) {
        let keys: Vec<Arc<ColumnKey>> = self
            .columns
            .iter()
            .filter(|(key, _)| key.file.path == path)
            .map(|(key, _)| key)
            .collect();
        for key in keys {
            self.columns.invalidate(key.as_ref());
        }
    }

    /// The cached arrays of `columns` of `file`, decoding the missing ones, or
    /// `None` when they would not fit (the caller then reads Parquet).
    fn columns(
        &self,
        file: &FileIdentity,
        schema: &SchemaRef,
        columns: &[usize],
    ) -> Result<Option<Vec<Arc<CachedColumn>>>> {
        let mut found = self.lookup(file, columns);
        let mut missing: Vec<usize> = columns
            .iter()
            .zip(&found)
            .filter(|(_, hit)| hit.is_none())
            .map(|(&column, _)| column)
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let Some(decoded) = self.decode(file, schema, &missing)? else {
                return Ok(None);
            };
            for (&column, decoded) in missing.iter().zip(decoded) {
                for (slot, _) in found.iter_mut().zip(columns).filter(|(_, c)| **c == column) {
                    *slot = Some(decoded.clone());
                }
                self.columns.insert(ColumnKey::new(file, column), decoded);
            }
        }
        Ok(found.into_iter().collect())
    }

    /// The cached arrays of `columns`, only if every one is cached.
    fn hits(&self, file: &FileIdentity, columns: &[usize]) -> Option<Vec<Arc<CachedColumn>>> {
        self.lookup(file, columns).into_iter().collect()
    }

    /// Each of `columns` of `file` that is cached.
    fn lookup(&self, file: &FileIdentity, columns: &[usize]) -> Vec<Option<Arc<CachedColumn>>> {
        columns
            .iter()
            .map(|&column| self.columns.get(&ColumnKey::new(file, column)))
            .collect()
    }

    /// Decode `columns` (ascending, as Parquet returns them) of every row group,
    /// row groups spread over the threads; `None` when the decoded size would
    /// exceed half the budget.
    fn decode(
        &self,
        file: &FileIdentity,
        schema: &SchemaRef,
        columns: &[usize],
    ) -> Result<Option<Vec<Arc<CachedColumn>>>> {
        let open =
            || std::fs::File::open(&file.path).map_err(|e| DataFusionError::External(Box::new(e)));
        let options = ArrowReaderOptions::new().with_schema(schema.clone());
        let reader_metadata = ArrowReaderMetadata::load(&open()?, options)?;
        let metadata = reader_metadata.metadata().clone();
        if estimated_bytes(&metadata, schema, columns) > self.budget / 2 {
            return Ok(None);
        }
        let row_groups = metadata.num_row_groups();
        let next = AtomicUsize::new(0);
        let decoded: Vec<Result<Vec<(usize, RecordBatch)>>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..self.threads.min(row_groups).max(1))
                .map(|_| {
                    scope.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let rg = next.fetch_add(1, Ordering::Relaxed);
                            if rg >= row_groups {
                                return Ok(out);
                            }
                            let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(
                                open()?,
                                reader_metadata.clone(),
                            );
                            out.push((rg, decode_row_group(builder, rg, columns)?));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join().unwrap_or_else(|_| {
                        Err(DataFusionError::Internal("decoder panicked".into()))
                    })
                })
                .collect()
        });
        let mut batches: Vec<Option<RecordBatch>> = vec![None; row_groups];
        for worker in decoded {
            for (rg, batch) in worker? {
                batches[rg] = Some(batch);
            }
        }
        let batches: Vec<RecordBatch> = batches.into_iter().flatten().collect();
        Ok(Some(
            (0..columns.len())
                .map(|i| {
                    let row_groups: Vec<ArrayRef> =
                        batches.iter().map(|b| b.column(i).clone()).collect();
                    let bytes = row_groups.iter().map(|a| a.get_array_memory_size()).sum();
                    Arc::new(CachedColumn { row_groups, bytes })
                })
                .collect(),
        ))
    }
}

/// Every row of one row group, as one batch of `columns`.
fn decode_row_group(
    builder: ParquetRecordBatchReaderBuilder<std::fs::File>,
    row_group: usize,
    columns: &[usize],
) -> Result<RecordBatch> {
    let rows = builder.metadata().row_group(row_group).num_rows().max(1) as usize;
    let mask = ProjectionMask::roots(builder.parquet_schema(), columns.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_row_groups(vec![row_group])
        .with_batch_size(rows)
        .build()?;
    let schema = reader.schema();
    let batches = reader.collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(concat_batches(&schema, &batches)?)
}

/// Rough decoded size of `columns`: fixed-width values exactly, text and binary
/// as their uncompressed Parquet bytes plus a 16-byte view per row.
fn estimated_bytes(
    metadata: &datafusion::parquet::file::metadata::ParquetMetaData,
    schema: &SchemaRef,
    columns: &[usize],
) -> u64 {
    let rows = metadata.file_metadata().num_rows().max(0) as u64;
    columns
        .iter()
        .map(|&c| {
            let data_type = schema.field(c).data_type();
            match data_type.primitive_width() {
                Some(width) => rows * width as u64,
                None => {
                    let encoded: i64 = metadata
                        .row_groups()
                        .iter()
                        .map(|rg| rg.column(c).uncompressed_size())
                        .sum();
                    let per_row = match data_type {
                        DataType::Boolean => 1,
                        _ => 16,
                    };
                    rows * per_row + encoded.max(0) as u64
                }
            }
        })
        .sum()
}

/// A session's Parquet table whose whole-table scans read decoded columns from a
/// [`ColumnCache`]; anything else (a `LIMIT`ed scan that misses, a table too
/// large for the cache) goes to the Parquet table it wraps.
#[derive(Debug)]
pub struct CachedParquetTable {
    parquet: Arc<dyn TableProvider>,
    path: PathBuf,
    cache: ColumnCache,
}

impl CachedParquetTable {
    pub fn new(parquet: Arc<dyn TableProvider>, path: PathBuf, cache: ColumnCache) -> Self {
        CachedParquetTable {
            parquet,
            path,
            cache,
        }
    }

    /// The scan from memory, or `None` to read Parquet.
    async fn scan_cached(
        &self,
        state: &dyn Session,
        projection: Option<&[usize]>,
        limit: Option<usize>,
    ) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        let schema = self.schema();
        let columns: Vec<usize> = match projection {
            Some(p) => p.to_vec(),
            None => (0..schema.fields().len()).collect(),
        };
        // Parquet answers a count from its footer. Nested columns are left to it
        // too: the cache takes a column's position as its Parquet leaf's.
        let flat = schema.fields().iter().all(|f| !f.data_type().is_nested());
        if columns.is_empty() || !flat {
            return Ok(None);
        }
        let file = FileIdentity::of(&self.path).map_err(|e| DataFusionError::External(e.into()))?;
        // A page of rows is read from one row group of Parquet: not worth
        // decoding the whole table for, but served from memory once it is there.
        let cached = if limit.is_some() {
            self.cache.hits(&file, &columns)
        } else {
            let cache = self.cache.clone();
            let (file, schema, cols) = (file.clone(), schema.clone(), columns.clone());
            tokio::task::spawn_blocking(move || cache.columns(&file, &schema, &cols))
                .await
                .map_err(|e| DataFusionError::External(Box::new(e)))??
        };
        let Some(cached) = cached else {
            return Ok(None);
        };
        let projected = Arc::new(schema.project(&columns)?);
        let config = state.config();
        // Split as DataFusion splits a Parquet file: a small table, or a page of
        // rows, is one partition and so comes out in file order.
        let optimizer = &config.options().optimizer;
        let split = limit.is_none()
            && optimizer.repartition_file_scans
            && file.len >= optimizer.repartition_file_min_size as u64;
        let partitions = partition_batches(
            &projected,
            &cached,
            config.batch_size(),
            if split { config.target_partitions() } else { 1 },
        )?;
        Ok(Some(MemorySourceConfig::try_new_exec(
            &partitions,
            projected,
            None,
        )?))
    }
}

/// The row groups as batches of at most `batch_size` rows (zero-copy slices), in
/// file order, split into `partitions` contiguous runs of about equal rows.
fn partition_batches(
    schema: &SchemaRef,
    columns: &[Arc<CachedColumn>],
    batch_size: usize,
    partitions: usize,
) -> Result<Vec<Vec<RecordBatch>>> {
    let row_groups = columns[0].row_groups.len();
    let mut batches = Vec::new();
    for rg in 0..row_groups {
        let arrays: Vec<ArrayRef> = columns.iter().map(|c| c.row_groups[rg].clone()).collect();
        let batch = RecordBatch::try_new(schema.clone(), arrays)?;
        let mut offset = 0;
        while offset < batch.num_rows() {
            let len = batch_size.max(1).min(batch.num_rows() - offset);
            batches.push(batch.slice(offset, len));
            offset += len;
        }
    }
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let partitions = partitions.max(1);
    let mut out: Vec<Vec<RecordBatch>> = vec![Vec::new(); partitions];
    let mut seen = 0usize;
    for batch in batches {
        // The partition whose share of the rows holds this batch's middle row.
        let middle = seen + batch.num_rows() / 2;
        let p = (middle * partitions / total.max(1)).min(partitions - 1);
        seen += batch.num_rows();
        out[p].push(batch);
    }
    Ok(out)
}

#[async_trait]
impl TableProvider for CachedParquetTable {
    fn schema(&self) -> SchemaRef {
        self.parquet.schema()
    }

    fn table_type(&self) -> TableType {
        self.parquet.table_type()
    }

    /// Inexact for every filter: DataFusion keeps each one above the scan, which
    /// the in-memory scan relies on, while Parquet still uses them to skip row groups.
    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let args = ScanArgs::default()
            .with_projection(projection.map(Vec::as_slice))
            .with_filters(Some(filters))
            .with_limit(limit);
        Ok(self.scan_with_args(state, args).await?.into_inner())
    }

    async fn scan_with_args<'a>(
        &self,
        state: &dyn Session,
        args: ScanArgs<'a>,
    ) -> Result<ScanResult> {
        match self
            .scan_cached(state, args.projection(), args.limit())
            .await
        {
            Ok(Some(plan)) => return Ok(plan.into()),
            Ok(None) => {}
            // Parquet reports its own error if the file is at fault.
            Err(e) => tracing::warn!(error = %e, "column cache skipped; reading Parquet"),
        }
        self.parquet.scan_with_args(state, args).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{AsArray, Int64Array};
    use datafusion::arrow::datatypes::{Field, Int64Type, Schema};

    #[test]
    fn batches_keep_file_order_in_even_contiguous_partitions() {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
        // Uneven row groups, as a parallel ingest writes them.
        let sizes = [100, 2_500, 2_500, 400];
        let mut start = 0;
        let row_groups: Vec<ArrayRef> = sizes
            .iter()
            .map(|&n| {
                let a: ArrayRef = Arc::new(Int64Array::from_iter_values(start..start + n));
                start += n;
                a
            })
            .collect();
        let column = Arc::new(CachedColumn {
            row_groups,
            bytes: 0,
        });
        let parts = partition_batches(&schema, &[column], 1_000, 4).unwrap();
        assert_eq!(parts.len(), 4);
        let rows: Vec<usize> = parts
            .iter()
            .map(|p| p.iter().map(RecordBatch::num_rows).sum())
            .collect();
        // Each within a batch of an even share (1,375 rows).
        assert!(rows.iter().all(|&r| r.abs_diff(1_375) <= 1_000), "{rows:?}");
        let values: Vec<i64> = parts
            .iter()
            .flatten()
            .inspect(|b| assert!(b.num_rows() <= 1_000))
            .flat_map(|b| b.column(0).as_primitive::<Int64Type>().values().to_vec())
            .collect();
        assert_eq!(values, (0..5_500).collect::<Vec<_>>());
    }
}
