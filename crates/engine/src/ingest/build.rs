//! Converts text values into typed Arrow columns and streams record batches into a
//! zstd Parquet file written beside the target and renamed into place on success.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::arrow_writer::{
    compute_leaves, ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory,
};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::parquet::file::writer::SerializedFileWriter;

use crate::error::{Error, Result};
use crate::ingest::infer::{ColumnInference, ColumnPlan};
use crate::ingest::values;
use crate::types::ColumnType;

/// Rows per record batch handed to the Parquet writer.
pub const BATCH_ROWS: usize = 64 * 1024;

/// Builds one typed column from text.
pub enum ColumnBuilder {
    Int(Int64Builder, bool),
    Float(Float64Builder, bool),
    Bool(BooleanBuilder),
    Date(Date32Builder, bool),
    Ts(TimestampMicrosecondBuilder, bool),
    Str(StringBuilder),
}

const EPOCH_DAYS_CE: i32 = 719_163; // days from 0001-01-01 to 1970-01-01

impl ColumnBuilder {
    pub fn new(plan: &ColumnPlan, capacity: usize) -> Self {
        match plan.column_type {
            ColumnType::Integer => {
                ColumnBuilder::Int(Int64Builder::with_capacity(capacity), plan.decimal_comma)
            }
            ColumnType::Float => {
                ColumnBuilder::Float(Float64Builder::with_capacity(capacity), plan.decimal_comma)
            }
            ColumnType::Boolean => ColumnBuilder::Bool(BooleanBuilder::with_capacity(capacity)),
            ColumnType::Date => {
                ColumnBuilder::Date(Date32Builder::with_capacity(capacity), plan.day_first)
            }
            ColumnType::Datetime => ColumnBuilder::Ts(
                TimestampMicrosecondBuilder::with_capacity(capacity),
                plan.day_first,
            ),
            ColumnType::String => {
                ColumnBuilder::Str(StringBuilder::with_capacity(capacity, capacity * 8))
            }
        }
    }

    /// Append one value; text that does not parse (impossible after inference) becomes null.
    pub fn append(&mut self, raw: &str) {
        if let ColumnBuilder::Str(b) = self {
            if values::is_text_null(raw) {
                b.append_null();
            } else {
                b.append_value(raw);
            }
            return;
        }
        if values::is_null_marker(raw) {
            self.append_null();
            return;
        }
        match self {
            ColumnBuilder::Int(b, comma) => {
                b.append_option(values::parse_number(raw, *comma).and_then(|n| n.int))
            }
            ColumnBuilder::Float(b, comma) => {
                b.append_option(values::parse_number(raw, *comma).map(|n| n.value))
            }
            ColumnBuilder::Bool(b) => b.append_option(values::parse_bool(raw).map(|(v, _)| v)),
            ColumnBuilder::Date(b, day_first) => b.append_option(
                values::parse_temporal(raw)
                    .and_then(|t| t.ymd(*day_first))
                    .and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d))
                    .map(|d| {
                        use chrono::Datelike;
                        d.num_days_from_ce() - EPOCH_DAYS_CE
                    }),
            ),
            ColumnBuilder::Ts(b, day_first) => {
                b.append_option(values::parse_temporal(raw).and_then(|t| {
                    let (y, m, d) = t.ymd(*day_first)?;
                    let date = chrono::NaiveDate::from_ymd_opt(y, m, d)?;
                    let (secs, micros) = t.time.unwrap_or((0, 0));
                    let dt = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
                    let utc = dt + secs as i64 - t.offset.unwrap_or(0) as i64;
                    Some(utc * 1_000_000 + micros as i64)
                }))
            }
            ColumnBuilder::Str(_) => unreachable!("handled above"),
        }
    }

    /// [`ColumnBuilder::append`] that hands back, for a numeric column read with a
    /// decimal point, `Some(parse_number(raw, false))` when `raw` is not a null
    /// marker, so type evidence can be gathered without parsing the value again.
    pub fn append_number(&mut self, raw: &str) -> Option<Option<values::Number>> {
        if !matches!(
            self,
            ColumnBuilder::Int(_, false) | ColumnBuilder::Float(_, false)
        ) {
            self.append(raw);
            return None;
        }
        if values::is_null_marker(raw) {
            self.append_null();
            return None;
        }
        let number = values::parse_number(raw, false);
        match self {
            ColumnBuilder::Int(b, _) => b.append_option(number.and_then(|n| n.int)),
            ColumnBuilder::Float(b, _) => b.append_option(number.map(|n| n.value)),
            _ => {}
        }
        Some(number)
    }

    pub fn append_null(&mut self) {
        match self {
            ColumnBuilder::Int(b, _) => b.append_null(),
            ColumnBuilder::Float(b, _) => b.append_null(),
            ColumnBuilder::Bool(b) => b.append_null(),
            ColumnBuilder::Date(b, _) => b.append_null(),
            ColumnBuilder::Ts(b, _) => b.append_null(),
            ColumnBuilder::Str(b) => b.append_null(),
        }
    }

    pub fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Int(b, _) => Arc::new(b.finish()),
            ColumnBuilder::Float(b, _) => Arc::new(b.finish()),
            ColumnBuilder::Bool(b) => Arc::new(b.finish()),
            ColumnBuilder::Date(b, _) => Arc::new(b.finish()),
            ColumnBuilder::Ts(b, _) => Arc::new(b.finish()),
            ColumnBuilder::Str(b) => Arc::new(b.finish()),
        }
    }
}

/// Arrow schema of a snapshot: SQL-safe names, inferred types, all nullable.
pub fn schema(sql_names: &[String], plans: &[ColumnPlan]) -> SchemaRef {
    Arc::new(Schema::new(
        sql_names
            .iter()
            .zip(plans)
            .map(|(n, p)| Field::new(n, crate::types::arrow_type(p.column_type), true))
            .collect::<Vec<_>>(),
    ))
}

/// Accumulates rows into batches and writes them to a temp Parquet file; `finish`
/// renames it to the target. Dropping without `finish` removes the temp file.
pub struct ParquetSink {
    schema: SchemaRef,
    builders: Vec<ColumnBuilder>,
    pending: usize,
    /// Batches go to a writer thread so Parquet encoding and compression overlap parsing.
    writer: Option<WriterThread>,
    tmp: PathBuf,
    target: PathBuf,
    null_counts: Vec<u64>,
    rows: u64,
    finished: bool,
}

impl ParquetSink {
    pub fn create(target: &Path, schema: SchemaRef, plans: Vec<ColumnPlan>) -> Result<Self> {
        let tmp = tmp_path(target, "parquet-tmp");
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut arrow_writer =
            ArrowWriter::try_new(file, schema.clone(), Some(writer_properties()?))
                .map_err(Error::internal)?;
        let (tx, rx) = std::sync::mpsc::sync_channel::<RecordBatch>(2);
        let handle = std::thread::Builder::new()
            .name("insightiq-parquet".into())
            .spawn(move || -> Result<()> {
                for batch in rx {
                    arrow_writer.write(&batch).map_err(Error::internal)?;
                }
                arrow_writer.close().map_err(Error::internal)?;
                Ok(())
            })
            .map_err(|e| Error::io("parquet writer thread", e))?;
        let writer = WriterThread { tx, handle };
        let builders = plans
            .iter()
            .map(|p| ColumnBuilder::new(p, BATCH_ROWS))
            .collect();
        Ok(ParquetSink {
            null_counts: vec![0; plans.len()],
            schema,
            builders,
            pending: 0,
            writer: Some(writer),
            tmp,
            target: target.to_path_buf(),
            rows: 0,
            finished: false,
        })
    }

    /// Append a row of text values (missing trailing values are null).
    pub fn push_row<'a>(&mut self, row: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let mut n = 0;
        for (b, v) in self.builders.iter_mut().zip(row) {
            b.append(v);
            n += 1;
        }
        for b in &mut self.builders[n..] {
            b.append_null();
        }
        self.pending += 1;
        if self.pending >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Write a ready-made batch (already typed to the sink's schema).
    pub fn write_batch(&mut self, batch: RecordBatch) -> Result<()> {
        for (i, c) in batch.columns().iter().enumerate() {
            self.null_counts[i] += c.null_count() as u64;
        }
        self.rows += batch.num_rows() as u64;
        let w = self
            .writer
            .as_ref()
            .ok_or_else(|| Error::internal("writer closed"))?;
        if w.tx.send(batch).is_err() {
            // The writer thread stopped: finish() reports its error.
            let w = self
                .writer
                .take()
                .ok_or_else(|| Error::internal("writer closed"))?;
            return Err(w
                .join()
                .err()
                .unwrap_or_else(|| Error::internal("parquet writer stopped")));
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let cols: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(ColumnBuilder::finish)
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), cols).map_err(Error::internal)?;
        self.pending = 0;
        self.write_batch(batch)
    }

    /// Close the file, move it into place, and return (rows, null counts per column).
    pub fn finish(mut self) -> Result<(u64, Vec<u64>)> {
        self.flush()?;
        let writer = self
            .writer
            .take()
            .ok_or_else(|| Error::internal("writer closed"))?;
        writer.join()?;
        std::fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        self.finished = true;
        Ok((self.rows, std::mem::take(&mut self.null_counts)))
    }
}

struct WriterThread {
    tx: std::sync::mpsc::SyncSender<RecordBatch>,
    handle: std::thread::JoinHandle<Result<()>>,
}

impl WriterThread {
    fn join(self) -> Result<()> {
        drop(self.tx);
        self.handle
            .join()
            .map_err(|_| Error::internal("parquet writer thread panicked"))?
    }
}

impl Drop for ParquetSink {
    fn drop(&mut self) {
        // Not finished: stop the writer and remove the partial file.
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
        if !self.finished {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writer properties of every snapshot: zstd level 1, a row group per million rows.
fn writer_properties() -> Result<WriterProperties> {
    Ok(WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(1).map_err(Error::internal)?,
        ))
        .set_max_row_group_row_count(Some(1024 * 1024))
        .build())
}

/// A Parquet file assembled from row groups that other threads encoded, appended
/// in file order; written beside the target and renamed into place by `finish`.
/// Dropping it unfinished removes the partial file.
pub struct RowGroupFile {
    writer: Option<SerializedFileWriter<File>>,
    factory: Arc<ArrowRowGroupWriterFactory>,
    schema: SchemaRef,
    tmp: PathBuf,
    target: PathBuf,
    rows: u64,
    null_counts: Vec<u64>,
}

/// One row group's encoded column chunks.
pub struct EncodedRowGroup {
    chunks: Vec<ArrowColumnChunk>,
    rows: u64,
    null_counts: Vec<u64>,
}

impl RowGroupFile {
    pub fn create(target: &Path, schema: SchemaRef) -> Result<Self> {
        let tmp = tmp_path(target, "parquet-tmp");
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let opened = ArrowWriter::try_new(file, schema.clone(), Some(writer_properties()?))
            .and_then(ArrowWriter::into_serialized_writer);
        let (writer, factory) = match opened {
            Ok(parts) => parts,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(Error::internal(e));
            }
        };
        Ok(RowGroupFile {
            writer: Some(writer),
            factory: Arc::new(factory),
            null_counts: vec![0; schema.fields().len()],
            schema,
            tmp,
            target: target.to_path_buf(),
            rows: 0,
        })
    }

    /// What worker threads encode row groups with (shareable across threads).
    pub fn encoder(&self, plans: &[ColumnPlan]) -> RowGroupEncoder {
        RowGroupEncoder {
            factory: self.factory.clone(),
            schema: self.schema.clone(),
            plans: plans.to_vec(),
        }
    }

    /// Append the next row group of the file (empty groups are skipped).
    pub fn append(&mut self, group: EncodedRowGroup) -> Result<()> {
        if group.rows == 0 {
            return Ok(());
        }
        let writer = self
            .writer
            .as_mut()
            .ok_or_else(|| Error::internal("writer closed"))?;
        let mut row_group = writer.next_row_group().map_err(Error::internal)?;
        for chunk in group.chunks {
            chunk
                .append_to_row_group(&mut row_group)
                .map_err(Error::internal)?;
        }
        row_group.close().map_err(Error::internal)?;
        self.rows += group.rows;
        for (total, n) in self.null_counts.iter_mut().zip(group.null_counts) {
            *total += n;
        }
        Ok(())
    }

    /// Rows and null counts per column appended so far.
    pub fn totals(&self) -> (u64, Vec<u64>) {
        (self.rows, self.null_counts.clone())
    }

    /// Close the file and move it into place.
    pub fn finish(mut self) -> Result<()> {
        let writer = self
            .writer
            .take()
            .ok_or_else(|| Error::internal("writer closed"))?;
        let closed = writer.close().map_err(Error::internal);
        if let Err(e) = closed {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(e);
        }
        std::fs::rename(&self.tmp, &self.target).map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp);
            Error::io(&self.target, e)
        })
    }
}

impl Drop for RowGroupFile {
    fn drop(&mut self) {
        // Not finished: remove the partial file.
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Starts row groups of one file; shared by the worker threads.
pub struct RowGroupEncoder {
    factory: Arc<ArrowRowGroupWriterFactory>,
    schema: SchemaRef,
    plans: Vec<ColumnPlan>,
}

impl RowGroupEncoder {
    /// A builder for the file's row group number `index`.
    pub fn row_group(&self, index: usize) -> Result<RowGroupBuilder> {
        Ok(RowGroupBuilder {
            writers: self
                .factory
                .create_column_writers(index)
                .map_err(Error::internal)?,
            builders: self
                .plans
                .iter()
                .map(|p| ColumnBuilder::new(p, BATCH_ROWS))
                .collect(),
            schema: self.schema.clone(),
            pending: 0,
            rows: 0,
            null_counts: vec![0; self.plans.len()],
        })
    }
}

/// Converts text rows and encodes them, a batch at a time, into one row group.
pub struct RowGroupBuilder {
    writers: Vec<ArrowColumnWriter>,
    builders: Vec<ColumnBuilder>,
    schema: SchemaRef,
    pending: usize,
    rows: u64,
    null_counts: Vec<u64>,
}

impl RowGroupBuilder {
    /// Append a row of text values (missing trailing values are null).
    pub fn push_row(&mut self, row: &[&str]) -> Result<()> {
        for (b, v) in self.builders.iter_mut().zip(row) {
            b.append(v);
        }
        self.end_row(row.len())
    }

    /// [`RowGroupBuilder::push_row`] that also adds the row's values to `evidence`,
    /// parsing each numeric value once for both.
    pub fn push_row_observing(
        &mut self,
        row: &[&str],
        evidence: &mut [ColumnInference],
    ) -> Result<()> {
        for ((b, v), inf) in self.builders.iter_mut().zip(row).zip(evidence.iter_mut()) {
            let number = b.append_number(v);
            inf.observe_parsed(v, number);
        }
        self.end_row(row.len())
    }

    /// Nulls for the values a short row lacks; encode every [`BATCH_ROWS`] rows.
    fn end_row(&mut self, values: usize) -> Result<()> {
        for b in self.builders.iter_mut().skip(values) {
            b.append_null();
        }
        self.pending += 1;
        if self.pending >= BATCH_ROWS {
            self.encode_pending()?;
        }
        Ok(())
    }

    fn encode_pending(&mut self) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let fields = self.schema.fields();
        for (i, (builder, writer)) in self.builders.iter_mut().zip(&mut self.writers).enumerate() {
            let array = builder.finish();
            self.null_counts[i] += array.null_count() as u64;
            for leaf in compute_leaves(&fields[i], &array).map_err(Error::internal)? {
                writer.write(&leaf).map_err(Error::internal)?;
            }
        }
        self.rows += self.pending as u64;
        self.pending = 0;
        Ok(())
    }

    /// Encode what is left and close the column chunks.
    pub fn finish(mut self) -> Result<EncodedRowGroup> {
        self.encode_pending()?;
        let chunks = self
            .writers
            .into_iter()
            .map(|w| w.close().map_err(Error::internal))
            .collect::<Result<Vec<_>>>()?;
        Ok(EncodedRowGroup {
            chunks,
            rows: self.rows,
            null_counts: self.null_counts,
        })
    }
}

/// A sibling path of `target` for temporary files (same directory, so rename is atomic).
pub fn tmp_path(target: &Path, suffix: &str) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.{suffix}", std::process::id()));
    target.with_file_name(name)
}
