//! How a question was read, in words a user can check: the measures, groupings,
//! filters, date range, order and limit behind an answer's SQL, and a one-sentence
//! summary. Engines produce it, the store keeps it with the query, the web app shows
//! it as chips. Every field defaults when absent so readings stored by earlier
//! versions read back.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A measured value: `sum` of `revenue` shown as `total_revenue`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MeasureDesc {
    /// Column name, or none for a row count.
    pub column: Option<String>,
    pub aggregation: String,
    /// Output column name in the result.
    pub alias: String,
}

/// A grouping: a column, or a date column at a grain (`month`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DimensionDesc {
    pub column: String,
    pub grain: Option<String>,
    pub alias: String,
}

/// A row filter (`region = 'West'`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct FilterDesc {
    pub column: String,
    pub op: String,
    /// The values compared with: strings, numbers, booleans or ISO dates.
    pub values: Vec<serde_json::Value>,
    /// The words of the question that produced it.
    pub phrase: String,
}

/// A resolved date range (`last quarter` = 2024-07-01 .. 2024-09-30).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DateRangeDesc {
    pub column: String,
    pub phrase: String,
    pub start: String,
    pub end: String,
    /// "last quarter = 2024-07-01 .. 2024-09-30"
    pub text: String,
}

/// The order of the result rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct OrderDesc {
    pub by: String,
    pub descending: bool,
}

/// The whole reading of a question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Interpretation {
    pub measures: Vec<MeasureDesc>,
    pub dimensions: Vec<DimensionDesc>,
    /// Row-level columns shown (lookups, "which row has the highest").
    pub columns: Vec<String>,
    pub filters: Vec<FilterDesc>,
    pub date_range: Option<DateRangeDesc>,
    pub grain: Option<String>,
    pub order: Option<OrderDesc>,
    pub limit: Option<u64>,
    /// Question words the engine could not place.
    pub ignored_words: Vec<String>,
    pub summary: String,
}

/// How a language model wrote an answer's SQL: which model, what it says it did
/// and assumed, what it cost and how many tries it took.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct LlmTrace {
    pub model: String,
    /// One sentence: what the SQL computes.
    pub explanation: String,
    /// What the model assumed where the question was open ("revenue means total").
    pub assumptions: Vec<String>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Replies it took: 1, or more when failed SQL was sent back for repair.
    pub attempts: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_with_missing_fields_reads_back() {
        let i: Interpretation = serde_json::from_str(
            r#"{"summary":"Total revenue","measures":[{"aggregation":"sum"}]}"#,
        )
        .unwrap();
        assert_eq!(i.summary, "Total revenue");
        assert_eq!(i.measures[0].aggregation, "sum");
        assert!(i.filters.is_empty() && i.date_range.is_none());
    }
}
