//! Column types and column metadata shared by ingest, profile and query results.
//! These are serialized into `columns_info` and API responses, so names are stable.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use serde::{Deserialize, Serialize};

/// The six column types InsightIQ reports (serialized lowercase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Integer,
    Float,
    String,
    Boolean,
    Date,
    Datetime,
}

impl ColumnType {
    /// The Arrow type a column of this type is stored as in Parquet snapshots.
    pub fn arrow_type(self) -> DataType {
        match self {
            ColumnType::Integer => DataType::Int64,
            ColumnType::Float => DataType::Float64,
            ColumnType::String => DataType::Utf8,
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Date => DataType::Date32,
            ColumnType::Datetime => DataType::Timestamp(TimeUnit::Microsecond, None),
        }
    }

    /// Maps any Arrow type to the closest reported type (query results, connectors).
    pub fn from_arrow(dt: &DataType) -> Self {
        use DataType::*;
        match dt {
            Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 => ColumnType::Integer,
            Float16 | Float32 | Float64 | Decimal32(..) | Decimal64(..) | Decimal128(..)
            | Decimal256(..) => ColumnType::Float,
            Boolean => ColumnType::Boolean,
            Date32 | Date64 => ColumnType::Date,
            Timestamp(..) => ColumnType::Datetime,
            Dictionary(_, v) => ColumnType::from_arrow(v),
            _ => ColumnType::String,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Float => "float",
            ColumnType::String => "string",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Datetime => "datetime",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Float)
    }

    pub fn is_temporal(self) -> bool {
        matches!(self, ColumnType::Date | ColumnType::Datetime)
    }
}

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an ambiguous `a/b/yyyy` date was read. Recorded per date column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// `07/01/2024` is July 1st (the default when nothing disambiguates).
    MonthFirst,
    /// `07/01/2024` is January 7th (chosen when some value has a day above 12
    /// in the first position, or for dotted dates such as `01.07.2024`).
    DayFirst,
}

/// How the text of a numeric column was written, so the UI can format it back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberFormat {
    /// A currency symbol seen in the values (`$`, `€`, `£`, ...).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<String>,
    /// Values carried a `%` sign; stored as written (`12.5%` -> 12.5).
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub percent: bool,
    /// Thousands separators were present.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub thousands_separator: bool,
    /// `1.234,5` style: comma is the decimal mark.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub decimal_comma: bool,
    /// `(1,234)` was read as a negative number.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub parentheses_negative: bool,
}

impl NumberFormat {
    pub fn is_plain(&self) -> bool {
        *self == NumberFormat::default()
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
