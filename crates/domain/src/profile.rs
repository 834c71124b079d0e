//! Column statistics of a data source's snapshot, as the profiler computes
//! them and the profile endpoint shows them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::schema::ColumnType;

/// The profile of a whole data source (stored as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Profile {
    pub row_count: u64,
    pub columns: Vec<ColumnProfile>,
}

impl Profile {
    /// Column name -> its low-cardinality values, for linking words like "Europe".
    pub fn value_index(&self) -> Vec<(&str, &[ValueCount])> {
        self.columns
            .iter()
            .filter_map(|c| c.value_index.as_deref().map(|v| (c.name.as_str(), v)))
            .collect()
    }
}

/// One column's statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ColumnProfile {
    /// The column's name in the snapshot (its SQL-safe name).
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    pub null_count: u64,
    pub distinct_count: u64,
    /// True when `distinct_count` is an estimate (tables above 100k rows).
    pub distinct_approximate: bool,
    pub min: Option<Value>,
    pub max: Option<Value>,
    /// Numbers only.
    pub mean: Option<f64>,
    /// Numbers only (sample standard deviation).
    pub stddev: Option<f64>,
    /// Numbers and dates (approximate, t-digest).
    pub quantiles: Option<Quantiles>,
    /// Most frequent values with counts (text and boolean columns).
    pub top_values: Vec<ValueCount>,
    /// Equal-width histogram (numbers).
    pub histogram: Option<Vec<HistogramBin>>,
    pub flags: ColumnFlags,
    /// Every distinct value with its count, for text columns with at most 1,000
    /// values. Filled by the profiler; a stored profile has handed it to the
    /// source's schema ([`crate::ColumnMeta::values`]), so it is kept once.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value_index: Option<Vec<ValueCount>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Quantiles {
    pub p25: Value,
    pub p50: Value,
    pub p75: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ValueCount {
    pub value: Value,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistogramBin {
    pub lower: f64,
    pub upper: f64,
    pub count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ColumnFlags {
    pub all_null: bool,
    pub constant: bool,
    pub looks_like_id: bool,
    /// Text column whose values are (almost) all numbers.
    pub numbers_as_text: bool,
    /// Text column mixing numbers or dates with other text.
    pub mixed_types: bool,
}
