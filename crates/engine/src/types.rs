//! Column types as Arrow stores them, and the columns an ingest reports. The
//! types themselves (and how numbers and dates were written) are `domain`'s.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use serde::{Deserialize, Serialize};

pub use domain::{ColumnType, DateOrder, NumberFormat};

/// The Arrow type a column of type `t` is stored as in Parquet snapshots.
pub fn arrow_type(t: ColumnType) -> DataType {
    match t {
        ColumnType::Integer => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::String => DataType::Utf8,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::Datetime => DataType::Timestamp(TimeUnit::Microsecond, None),
    }
}

/// The reported type closest to any Arrow type (query results, connectors).
pub fn column_type_of(dt: &DataType) -> ColumnType {
    use DataType::*;
    match dt {
        Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 => ColumnType::Integer,
        Float16 | Float32 | Float64 | Decimal32(..) | Decimal64(..) | Decimal128(..)
        | Decimal256(..) => ColumnType::Float,
        Boolean => ColumnType::Boolean,
        Date32 | Date64 => ColumnType::Date,
        Timestamp(..) => ColumnType::Datetime,
        Dictionary(_, v) => column_type_of(v),
        _ => ColumnType::String,
    }
}

/// One column of an ingested data source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    /// The name as the user wrote it (empty and duplicate names fixed: `column_3`, `name_2`).
    pub name: String,
    /// The SQL-safe name: lowercase `[a-z0-9_]`, unique. This is the Parquet column name.
    pub sql_name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    pub nullable: bool,
    /// Number of null values (after null markers such as `NA` were applied).
    pub null_count: u64,
    /// For date/datetime columns read from `a/b/yyyy`-style text: the order used.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date_order: Option<DateOrder>,
    /// For numeric columns written with currency, percent or separators.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub number_format: Option<NumberFormat>,
}
