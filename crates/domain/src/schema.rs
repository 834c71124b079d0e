//! What a data source holds, column by column: the types ingest infers, how
//! numbers and dates were written, the statistics the question engine links
//! words with, and the user's own descriptions and synonyms. Stored as the
//! source's `columns_info`, shown by the API and read by the NL engine.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// The six column types InsightIQ reports (serialized lowercase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
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
    pub const ALL: [ColumnType; 6] = [
        ColumnType::Integer,
        ColumnType::Float,
        ColumnType::String,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::Datetime,
    ];

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

    /// Text and booleans: values that group rows rather than measure them.
    pub fn is_categorical(self) -> bool {
        matches!(self, ColumnType::String | ColumnType::Boolean)
    }
}

impl std::str::FromStr for ColumnType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ColumnType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not a column type; expected integer, float, string, boolean, date or datetime"))
    }
}

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an ambiguous `a/b/yyyy` date was read. Recorded per date column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// `07/01/2024` is July 1st (the default when nothing disambiguates).
    MonthFirst,
    /// `07/01/2024` is January 7th (chosen when some value has a day above 12
    /// in the first position, or for dotted dates such as `01.07.2024`).
    DayFirst,
}

/// How the text of a numeric column was written, so the UI can format it back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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

/// One distinct value of a low-cardinality text column and how many rows hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IndexedValue {
    pub value: String,
    pub count: u64,
}

/// One column of a data source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ColumnMeta {
    /// The name as the file wrote it (empty and duplicate names fixed).
    pub name: String,
    /// The SQL-safe name: lowercase `[a-z0-9_]`, unique. The snapshot's column name.
    pub sql_name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    pub nullable: bool,
    pub null_count: u64,
    #[serde(default)]
    pub distinct_count: Option<u64>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub min: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub max: Option<Value>,
    /// Numbers only.
    #[serde(default)]
    pub mean: Option<f64>,
    /// For dates read from `a/b/yyyy`-style text: the order used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_order: Option<DateOrder>,
    /// For numbers written with currency, percent or separators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_format: Option<NumberFormat>,
    /// The user's description (the question engine reads short ones as names).
    #[serde(default)]
    pub description: Option<String>,
    /// Other words the user uses for this column.
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// Every distinct value with its count, for text columns with at most
    /// 1,000 values (how words like "Europe" become filters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<IndexedValue>,
}

/// A column's two names: the header the file wrote and the snapshot's SQL name.
/// SQL accepts either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnName {
    pub name: String,
    pub sql_name: String,
}

/// Only the column names of a stored [`SourceSchema`]: reading a schema into it
/// skips the statistics and value indexes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SchemaNames {
    #[serde(default)]
    pub columns: Vec<ColumnName>,
}

/// Every column of a data source and its row count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceSchema {
    pub row_count: u64,
    pub columns: Vec<ColumnMeta>,
}

impl SourceSchema {
    /// The column whose displayed or SQL name is `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnMeta> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .or_else(|| self.columns.iter().find(|c| c.sql_name == name))
    }

    /// Both names of every column, in order.
    pub fn column_names(&self) -> Vec<ColumnName> {
        self.columns
            .iter()
            .map(|c| ColumnName {
                name: c.name.clone(),
                sql_name: c.sql_name.clone(),
            })
            .collect()
    }

    /// The same schema without value indexes (API listings stay small).
    pub fn without_values(mut self) -> SourceSchema {
        for column in &mut self.columns {
            column.values = Vec::new();
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, sql_name: &str) -> ColumnMeta {
        ColumnMeta {
            name: name.into(),
            sql_name: sql_name.into(),
            column_type: ColumnType::String,
            nullable: true,
            null_count: 0,
            distinct_count: Some(2),
            min: None,
            max: None,
            mean: None,
            date_order: None,
            number_format: None,
            description: None,
            synonyms: Vec::new(),
            values: vec![IndexedValue {
                value: "EU".into(),
                count: 3,
            }],
        }
    }

    #[test]
    fn column_types_serialize_lowercase() {
        for t in ColumnType::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
            assert_eq!(t.as_str().parse::<ColumnType>(), Ok(t));
        }
    }

    #[test]
    fn columns_are_found_by_either_name_and_listings_drop_values() {
        let schema = SourceSchema {
            row_count: 3,
            columns: vec![column("Sales Region", "sales_region")],
        };
        assert_eq!(schema.column("sales_region").unwrap().name, "Sales Region");
        assert_eq!(schema.column("Sales Region").unwrap().values.len(), 1);
        assert!(schema.column("region").is_none());
        assert!(schema.without_values().columns[0].values.is_empty());
    }

    #[test]
    fn rows_written_before_the_typed_schema_still_read() {
        // One column as the server wrote `columns_info` items before this type existed.
        let old = serde_json::json!({
            "name": "Region", "sql_name": "region", "type": "string", "nullable": false,
            "null_count": 0, "distinct_count": 4, "min": "East", "max": "West", "mean": null,
            "date_order": null, "number_format": null, "description": null, "synonyms": []
        });
        let column: ColumnMeta = serde_json::from_value(old).unwrap();
        assert_eq!(column.column_type, ColumnType::String);
        assert_eq!(column.distinct_count, Some(4));
    }
}
