//! Query results as JSON-ready values: typed columns plus rows of `serde_json::Value`.
//! Numbers stay numbers, dates and timestamps become ISO strings, nulls stay null.

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type, SchemaRef, UInt64Type};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::{Error, Result};
use crate::types::ColumnType;

/// One column of a query result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResultColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// The exact Arrow type (`Int64`, `Float64`, `Utf8`, `Date32`, ...), for the curious.
    pub data_type: String,
}

/// A query result as stored and sent to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueryResult {
    pub columns: Vec<ResultColumn>,
    /// One array per row, one cell per column: a number, a string (dates and
    /// timestamps as ISO text), a boolean or null.
    #[schema(value_type = Vec<Vec<Cell>>)]
    pub rows: Vec<Vec<Value>>,
    /// The number of rows the query produced, even when `rows` was cut at the cap.
    pub row_count: u64,
    /// True when `rows` holds fewer rows than `row_count`.
    pub truncated: bool,
}

/// The OpenAPI schema of one result cell: the rows hold `serde_json::Value`s of
/// exactly these kinds (a number, a string, a boolean or null).
pub struct Cell;

impl utoipa::PartialSchema for Cell {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([
                Type::Number,
                Type::String,
                Type::Boolean,
                Type::Null,
            ]))
            .into()
    }
}

impl ToSchema for Cell {}

/// Result columns for an Arrow schema.
pub fn result_columns(schema: &SchemaRef) -> Vec<ResultColumn> {
    schema
        .fields()
        .iter()
        .map(|f| ResultColumn {
            name: f.name().clone(),
            column_type: crate::types::column_type_of(f.data_type()),
            data_type: f.data_type().to_string(),
        })
        .collect()
}

/// Encode record batches into a [`QueryResult`]; `row_count`/`truncated` are given by
/// the caller, which knows how many rows the query produced in total.
pub fn encode_batches(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    row_count: u64,
) -> Result<QueryResult> {
    let columns = result_columns(schema);
    let mut rows: Vec<Vec<Value>> = Vec::with_capacity(batches.iter().map(|b| b.num_rows()).sum());
    for batch in batches {
        let encoded: Vec<Vec<Value>> = batch
            .columns()
            .iter()
            .map(encode_column)
            .collect::<Result<_>>()?;
        for r in 0..batch.num_rows() {
            rows.push(encoded.iter().map(|c| c[r].clone()).collect());
        }
    }
    let truncated = (rows.len() as u64) < row_count;
    Ok(QueryResult {
        columns,
        rows,
        row_count,
        truncated,
    })
}

/// Encode one Arrow array as JSON values.
pub fn encode_column(array: &ArrayRef) -> Result<Vec<Value>> {
    let n = array.len();
    let nulls = |i: usize| array.is_null(i);
    let out = match array.data_type() {
        DataType::Null => vec![Value::Null; n],
        DataType::Boolean => {
            let a = array.as_boolean();
            (0..n)
                .map(|i| {
                    if nulls(i) {
                        Value::Null
                    } else {
                        Value::Bool(a.value(i))
                    }
                })
                .collect()
        }
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => {
            let c = cast(array, &DataType::Int64).map_err(Error::internal)?;
            let a = c.as_primitive::<Int64Type>();
            (0..n)
                .map(|i| {
                    if nulls(i) {
                        Value::Null
                    } else {
                        Value::from(a.value(i))
                    }
                })
                .collect()
        }
        DataType::UInt64 => {
            let a = array.as_primitive::<UInt64Type>();
            (0..n)
                .map(|i| {
                    if nulls(i) {
                        Value::Null
                    } else {
                        Value::from(a.value(i))
                    }
                })
                .collect()
        }
        DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => {
            let c = cast(array, &DataType::Float64).map_err(Error::internal)?;
            let a = c.as_primitive::<Float64Type>();
            (0..n)
                .map(|i| {
                    if nulls(i) {
                        Value::Null
                    } else {
                        // NaN and infinities have no JSON form.
                        serde_json::Number::from_f64(a.value(i))
                            .map(Value::Number)
                            .unwrap_or(Value::Null)
                    }
                })
                .collect()
        }
        _ => {
            // Dates come out as 2024-07-01, timestamps as 2024-07-01T12:00:00[+00:00].
            let options = FormatOptions::default();
            let f = ArrayFormatter::try_new(array.as_ref(), &options).map_err(Error::internal)?;
            (0..n)
                .map(|i| {
                    if nulls(i) {
                        Value::Null
                    } else {
                        Value::String(f.value(i).to_string())
                    }
                })
                .collect()
        }
    };
    Ok(out)
}
