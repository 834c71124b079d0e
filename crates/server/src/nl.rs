//! Answering questions in plain English: the data source's columns and value
//! index become an `nlq::Schema`, the offline engine writes SQL, the sandbox
//! runs it, `viz` picks the chart, and the query and chart are recorded.

use crate::error::{ApiError, ApiResult};
use crate::querying::{not_found, run_sql};
use crate::state::AppState;
use domain::{ChartType, DataSourceId, QueryType, UserId};
use engine::query::QueryResult;
use serde_json::{json, Value};
use store::{DataSource, NewQuery, NewVisualization, Query};

/// Longest question accepted.
const MAX_QUESTION_CHARS: usize = 1000;

pub enum Outcome {
    Answered {
        query: Query,
        cached: bool,
    },
    Clarify {
        query_id: domain::QueryId,
        message: String,
        suggestions: Vec<String>,
    },
}

/// The question engine's view of a data source, queried as `table`.
pub fn schema_for(source: &DataSource, table: &str) -> nlq::Schema {
    let profile = source.profile.as_ref().map(|p| &p.0);
    schema_from_parts(
        &source.columns_info.0,
        profile,
        table,
        source.row_count.max(0) as u64,
    )
}

/// Builds the schema from `columns_info` (names, types, statistics, the user's
/// descriptions and synonyms) and the profile's value index.
pub fn schema_from_parts(
    columns_info: &Value,
    profile: Option<&Value>,
    table: &str,
    row_count: u64,
) -> nlq::Schema {
    let profiled: &[Value] = profile
        .and_then(|p| p.get("columns"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let columns = columns_info
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter_map(|c| {
            let name = c.get("name")?.as_str()?.to_string();
            let sql_name = c
                .get("sql_name")
                .and_then(Value::as_str)
                .unwrap_or(&name)
                .to_string();
            let data_type = serde_json::from_value(c.get("type")?.clone()).ok()?;
            let stats = profiled
                .iter()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(sql_name.as_str()))
                .unwrap_or(&Value::Null);
            Some(nlq::Column {
                description: c
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                synonyms: c
                    .get("synonyms")
                    .and_then(Value::as_array)
                    .map(|s| {
                        s.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                distinct_count: stats.get("distinct_count").and_then(Value::as_u64),
                min: stats.get("min").cloned().filter(|v| !v.is_null()),
                max: stats.get("max").cloned().filter(|v| !v.is_null()),
                values: value_index(stats),
                name,
                sql_name,
                data_type,
            })
        })
        .collect();
    nlq::Schema {
        table: table.to_string(),
        row_count,
        columns,
    }
}

/// The distinct values of a low-cardinality text column with their counts.
fn value_index(stats: &Value) -> Vec<(String, u64)> {
    let entries = ["value_index", "values", "top_values"]
        .iter()
        .find_map(|k| stats.get(*k).and_then(Value::as_array));
    entries
        .map(|list| {
            list.iter()
                .filter_map(|e| match e {
                    Value::Array(pair) => {
                        Some((pair.first()?.as_str()?.to_string(), pair.get(1)?.as_u64()?))
                    }
                    Value::Object(o) => Some((
                        o.get("value")?.as_str()?.to_string(),
                        o.get("count")?.as_u64()?,
                    )),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The chart for a result.
pub fn chart_for(result: &QueryResult, title: Option<String>) -> viz::ChartSpec {
    let columns: Vec<viz::ResultColumn> = result
        .columns
        .iter()
        .map(|c| viz::ResultColumn::new(&c.name, c.column_type.as_str()))
        .collect();
    let hint = viz::Hint {
        chart_type: None,
        title,
    };
    viz::recommend(&columns, result.rows.len(), Some(&hint))
}

/// `result_data` for an answer: the result plus, for a single value, that value
/// under its column name (`{"total_revenue": 1234.5, ...}`).
pub fn result_data(result: &QueryResult) -> ApiResult<Value> {
    let mut data = serde_json::to_value(result).map_err(ApiError::internal)?;
    if let ([column], [row]) = (result.columns.as_slice(), result.rows.as_slice()) {
        if let Some(value) = row.first() {
            data[column.name.as_str()] = value.clone();
        }
    }
    Ok(data)
}

/// Answers `question` about one of the user's sources and records it in history.
pub async fn ask_and_record(
    state: &AppState,
    user: UserId,
    data_source_id: DataSourceId,
    question: &str,
) -> ApiResult<Outcome> {
    let question = question.trim();
    if question.is_empty() || question.chars().count() > MAX_QUESTION_CHARS {
        return Err(ApiError::unprocessable(
            "invalid_question",
            format!("ask a question of 1 to {MAX_QUESTION_CHARS} characters"),
        ));
    }
    let source = state
        .store
        .get_data_source(user, data_source_id)
        .await
        .map_err(not_found("data source"))?;
    let schema = schema_for(&source, "data");
    let ctx = nlq::Context {
        today: chrono::Utc::now().date_naive(),
    };
    let record = |sql: Option<String>, details: Value, result_data: Value, ms: i64| NewQuery {
        user_id: user,
        data_source_id: Some(source.id),
        query_text: question.to_string(),
        query_type: QueryType::NaturalLanguage,
        interpreted_query: sql,
        details: Some(details),
        result_data,
        execution_time_ms: ms,
    };
    match nlq::answer(question, &schema, &ctx) {
        nlq::Answer::Clarify {
            message,
            suggestions,
        } => {
            let details = json!({ "status": "needs_clarification", "engine": "rules",
                "message": message, "suggestions": suggestions });
            let query = state
                .history
                .record(record(None, details, json!({}), 0))
                .await?;
            Ok(Outcome::Clarify {
                query_id: query.id,
                message,
                suggestions,
            })
        }
        nlq::Answer::Sql {
            sql,
            interpretation,
            confidence,
        } => {
            let run = run_sql(state, user, source.id, &sql).await?;
            let summary = interpretation.summary.clone();
            let details = json!({
                "status": "answered",
                "engine": "rules",
                "confidence": confidence,
                "interpretation": interpretation,
                "cached": run.cached,
            });
            let chart = chart_for(&run.result, Some(summary));
            let data = result_data(&run.result)?;
            let query = state
                .history
                .record_now(record(Some(sql), details, data, run.execution_time_ms))
                .await?;
            let chart_type: ChartType = serde_json::to_value(chart.chart_type)
                .ok()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or(ChartType::Table);
            let config = serde_json::to_value(&chart).map_err(ApiError::internal)?;
            state
                .store
                .create_visualization(
                    user,
                    NewVisualization {
                        query_id: query.id,
                        chart_type,
                        config_json: config,
                    },
                )
                .await?;
            Ok(Outcome::Answered {
                query,
                cached: run.cached,
            })
        }
    }
}
