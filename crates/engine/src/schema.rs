//! A data source's schema from what ingest and the profiler found: each
//! ingested column with its statistics and value index.

use domain::{ColumnMeta, IndexedValue, Profile, SourceSchema};
use serde_json::Value;

use crate::types::ColumnInfo;

/// The schema of a snapshot ingested as `columns` and profiled as `profile`.
/// Each column's value index moves out of the profile into the schema, so a
/// stored source keeps it once. The user's notes start empty.
pub fn source_schema(columns: &[ColumnInfo], profile: &mut Profile) -> SourceSchema {
    let columns = columns
        .iter()
        .map(|c| {
            let stats = profile.columns.iter_mut().find(|p| p.name == c.sql_name);
            let values = stats
                .as_ref()
                .and_then(|p| p.value_index.as_ref())
                .map(|index| {
                    index
                        .iter()
                        .filter_map(|v| {
                            let value = match &v.value {
                                Value::String(s) => s.clone(),
                                Value::Null => return None,
                                other => other.to_string(),
                            };
                            Some(IndexedValue {
                                value,
                                count: v.count,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            let (distinct_count, min, max, mean) = match stats {
                Some(p) => {
                    p.value_index = None;
                    (Some(p.distinct_count), p.min.clone(), p.max.clone(), p.mean)
                }
                None => (None, None, None, None),
            };
            ColumnMeta {
                name: c.name.clone(),
                sql_name: c.sql_name.clone(),
                column_type: c.column_type,
                nullable: c.nullable,
                null_count: c.null_count,
                distinct_count,
                min,
                max,
                mean,
                date_order: c.date_order,
                number_format: c.number_format.clone(),
                description: None,
                synonyms: Vec::new(),
                values,
            }
        })
        .collect();
    SourceSchema {
        row_count: profile.row_count,
        columns,
    }
}
