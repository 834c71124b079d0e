//! Batches whose types are already known (a database connector's) -> a Parquet
//! snapshot with the same names and column report as a file ingest. Nothing is
//! inferred: each column is cast to the snapshot type of its declared type.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;

use crate::error::{Error, Result};
use crate::ingest::build::ParquetSink;
use crate::ingest::{fix_names, sql_names, ColumnPlan};
use crate::types::{arrow_type, column_type_of, ColumnInfo, ColumnType};

/// Writes typed batches to a snapshot; `finish` moves it into place. Dropped
/// unfinished, it leaves nothing behind.
pub struct TypedIngest {
    sink: ParquetSink,
    target: SchemaRef,
    names: Vec<String>,
    types: Vec<ColumnType>,
}

impl TypedIngest {
    /// A snapshot at `out` for batches of `schema` (field names as the source wrote them).
    pub fn create(out: &Path, schema: &Schema) -> Result<Self> {
        if schema.fields().is_empty() {
            return Err(Error::EmptyFile);
        }
        let raw: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let names = fix_names(&raw);
        let sql = sql_names(&names);
        let types: Vec<ColumnType> = schema
            .fields()
            .iter()
            .map(|f| column_type_of(f.data_type()))
            .collect();
        let target: SchemaRef = Arc::new(Schema::new(
            sql.iter()
                .zip(&types)
                .map(|(n, t)| Field::new(n, arrow_type(*t), true))
                .collect::<Vec<_>>(),
        ));
        let plans = types
            .iter()
            .map(|t| ColumnPlan {
                column_type: *t,
                decimal_comma: false,
                day_first: false,
                date_order: None,
                number_format: None,
            })
            .collect();
        let sink = ParquetSink::create(out, target.clone(), plans)?;
        Ok(TypedIngest {
            sink,
            target,
            names,
            types,
        })
    }

    /// Appends one batch of the schema given to `create`.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_columns() != self.target.fields().len() {
            return Err(Error::internal(
                "a batch does not match its declared schema",
            ));
        }
        let columns = batch
            .columns()
            .iter()
            .zip(self.target.fields())
            .map(|(column, field)| cast(column, field.data_type()).map_err(Error::internal))
            .collect::<Result<Vec<_>>>()?;
        let typed = RecordBatch::try_new(self.target.clone(), columns).map_err(Error::internal)?;
        self.sink.write_batch(typed)
    }

    /// Moves the snapshot into place: (row count, columns).
    pub fn finish(self) -> Result<(u64, Vec<ColumnInfo>)> {
        let (rows, nulls) = self.sink.finish()?;
        let columns = self
            .names
            .into_iter()
            .zip(self.target.fields())
            .zip(self.types)
            .zip(nulls)
            .map(|(((name, field), column_type), null_count)| ColumnInfo {
                name,
                sql_name: field.name().clone(),
                column_type,
                nullable: null_count > 0,
                null_count,
                date_order: None,
                number_format: None,
            })
            .collect();
        Ok((rows, columns))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int32Array, StringArray};
    use datafusion::arrow::datatypes::DataType;

    #[test]
    fn declared_types_are_kept_and_names_made_sql_safe() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("t.parquet");
        let schema = Schema::new(vec![
            Field::new("Order Id", DataType::Int32, false),
            Field::new("Zip", DataType::Utf8, true),
        ]);
        let mut ingest = TypedIngest::create(&out, &schema).unwrap();
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(Int32Array::from(vec![1, 2])),
                Arc::new(StringArray::from(vec![Some("01234"), None])),
            ],
        )
        .unwrap();
        ingest.write(&batch).unwrap();
        let (rows, columns) = ingest.finish().unwrap();
        assert_eq!(rows, 2);
        assert_eq!(
            (columns[0].name.as_str(), columns[0].sql_name.as_str()),
            ("Order Id", "order_id")
        );
        assert_eq!(columns[0].column_type, ColumnType::Integer);
        assert_eq!(
            columns[1].column_type,
            ColumnType::String,
            "a zip code stays text"
        );
        assert_eq!((columns[1].null_count, columns[1].nullable), (1, true));
        assert_eq!(crate::parquet_row_count(&out).unwrap(), 2);
    }

    #[test]
    fn nothing_is_left_when_dropped_unfinished() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("t.parquet");
        let schema = Schema::new(vec![Field::new("a", DataType::Int64, true)]);
        drop(TypedIngest::create(&out, &schema).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
