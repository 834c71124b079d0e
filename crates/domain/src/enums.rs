//! The closed sets of values stored in the metadata tables, with their text form
//! (the same in the database, the API and the web app).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                value.parse()
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)*
                    other => Err(format!(
                        "`{other}` is not a valid {}; expected one of: {}",
                        stringify!($name),
                        [$($text),*].join(", ")
                    )),
                }
            }
        }
    };
}

text_enum!(
    /// Where a data source's rows come from.
    SourceType { Csv => "csv", GoogleSheets => "google_sheets", Api => "api", Database => "database" }
);
text_enum!(
    /// Lifecycle of a data source.
    SourceStatus { Connected => "connected", Syncing => "syncing", Error => "error", Disconnected => "disconnected" }
);
text_enum!(
    /// How a query was written.
    QueryType { NaturalLanguage => "natural_language", Sql => "sql", Aggregation => "aggregation" }
);
text_enum!(
    /// Chart kinds the web app can draw.
    ChartType {
        Line => "line", Bar => "bar", Pie => "pie", Table => "table", Scatter => "scatter",
        Kpi => "kpi", Area => "area", StackedBar => "stacked_bar"
    }
);
text_enum!(
    /// Which engine answers a question in plain English: the offline `rules`
    /// engine, the configured `llm`, or `auto` (rules when confident, else the LLM).
    NlEngine { Rules => "rules", Llm => "llm", Auto => "auto" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        for t in SourceType::ALL {
            assert_eq!(t.as_str().parse::<SourceType>().unwrap(), *t);
        }
        for t in ChartType::ALL {
            assert_eq!(t.as_str().parse::<ChartType>().unwrap(), *t);
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        let err = "donut".parse::<ChartType>().unwrap_err();
        assert!(err.contains("kpi"), "{err}");
    }
}
