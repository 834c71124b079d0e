//! The chart contract with the web app: what [`ChartSpec`] says, the web app draws
//! with Recharts. `viz` recommends specs, insights carry them, the store keeps them.

use crate::ChartType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a chart's values are written (axis ticks, tooltips, the KPI figure).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisplayFormat {
    #[default]
    Number,
    Integer,
    Currency,
    Percent,
}

/// What the x axis is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum XType {
    Time,
    Category,
    Number,
}

/// A chart over a query result; every key names a column of that result.
/// Optional fields default when absent, so specs stored by earlier versions read back;
/// every field is always sent (`null` when unset).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChartSpec {
    pub chart_type: ChartType,
    #[serde(default)]
    #[schema(required = true)]
    pub title: String,
    #[serde(default)]
    #[schema(required = true)]
    pub x_key: Option<String>,
    #[serde(default)]
    #[schema(required = true)]
    pub y_keys: Vec<String>,
    #[serde(default)]
    #[schema(required = true)]
    pub series_key: Option<String>,
    /// The value shown by a `kpi`.
    #[serde(default)]
    #[schema(required = true)]
    pub value_key: Option<String>,
    /// The caption of a `kpi`.
    #[serde(default)]
    #[schema(required = true)]
    pub label: Option<String>,
    #[serde(default)]
    #[schema(required = true)]
    pub number_format: DisplayFormat,
    #[serde(default)]
    #[schema(required = true)]
    pub x_type: Option<XType>,
    /// Bars beyond this many categories were cut to the top N.
    #[serde(default)]
    #[schema(required = true)]
    pub top_n: Option<usize>,
    /// A column drawn as marked points over a line (anomalous periods): non-null
    /// only where a point is marked.
    #[serde(default)]
    #[schema(required = true)]
    pub highlight_key: Option<String>,
}

impl ChartSpec {
    /// An empty chart of `chart_type` titled `title`: no keys, plain numbers.
    pub fn new(chart_type: ChartType, title: impl Into<String>) -> ChartSpec {
        ChartSpec {
            chart_type,
            title: title.into(),
            x_key: None,
            y_keys: Vec::new(),
            series_key: None,
            value_key: None,
            label: None,
            number_format: DisplayFormat::Number,
            x_type: None,
            top_n: None,
            highlight_key: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_stored_spec_reads_back_with_defaults() {
        let spec: ChartSpec = serde_json::from_str(r#"{"chart_type":"bar"}"#).unwrap();
        assert_eq!(spec, ChartSpec::new(ChartType::Bar, ""));
    }

    #[test]
    fn the_json_shape_is_the_web_contract() {
        let mut spec = ChartSpec::new(ChartType::Line, "Monthly revenue");
        spec.x_key = Some("month".into());
        spec.y_keys = vec!["revenue".into()];
        spec.number_format = DisplayFormat::Currency;
        spec.x_type = Some(XType::Time);
        assert_eq!(
            serde_json::to_value(&spec).unwrap(),
            serde_json::json!({
                "chart_type": "line", "title": "Monthly revenue", "x_key": "month",
                "y_keys": ["revenue"], "series_key": null, "value_key": null, "label": null,
                "number_format": "currency", "x_type": "time", "top_n": null,
                "highlight_key": null
            })
        );
    }
}
