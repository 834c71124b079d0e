//! Answering questions in plain English: the data source's columns and value
//! index become an `nlq::Schema`, the offline engine writes SQL, the sandbox
//! runs it, `viz` picks the chart, and the query and chart are recorded.

use crate::querying::{run_sql, QueryError, ResultData};
use crate::state::AppState;
use domain::{DataSourceId, QueryType, UserId};
use engine::query::QueryResult;
use serde_json::{json, Value};
use store::{
    AnswerStatus, DataSource, NewQuery, NewVisualization, Query, QueryDetails, StoreError,
};

/// The name recorded for the offline rules engine.
const RULES_ENGINE: &str = "rules";

/// Longest question accepted.
pub const MAX_QUESTION_CHARS: usize = 1000;

/// Why a question could not be answered (a question the engine cannot ground
/// is not an error: it is [`Outcome::Clarify`]). Mapped to HTTP in `crate::error`.
#[derive(Debug, thiserror::Error)]
pub enum AskError {
    #[error("ask a question of 1 to {max} characters")]
    InvalidQuestion { max: usize },
    #[error("data source not found")]
    SourceNotFound,
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not encode the answer: {0}")]
    Encode(#[from] serde_json::Error),
}

pub enum Outcome {
    Answered {
        // Boxed: a stored query is much larger than a clarification.
        query: Box<Query>,
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
    nlq::Schema::from_source(&source.columns_info.0, table)
}

/// The chart for a result.
pub fn chart_for(result: &QueryResult, title: Option<String>) -> viz::ChartSpec {
    let columns: Vec<viz::ResultColumn> = result
        .columns
        .iter()
        .map(|c| viz::ResultColumn::new(&c.name, c.column_type))
        .collect();
    let hint = viz::Hint {
        chart_type: None,
        title,
    };
    viz::recommend(&columns, result.rows.len(), Some(&hint))
}

/// Answers `question` about one of the user's sources and records it in history.
pub async fn ask_and_record(
    state: &AppState,
    user: UserId,
    data_source_id: DataSourceId,
    question: &str,
) -> Result<Outcome, AskError> {
    let question = question.trim();
    if question.is_empty() || question.chars().count() > MAX_QUESTION_CHARS {
        return Err(AskError::InvalidQuestion {
            max: MAX_QUESTION_CHARS,
        });
    }
    let source = match state.store.get_data_source(user, data_source_id).await {
        Err(StoreError::NotFound) => return Err(AskError::SourceNotFound),
        other => other?,
    };
    let schema = schema_for(&source, "data");
    let ctx = nlq::Context {
        today: chrono::Utc::now().date_naive(),
    };
    let record =
        |sql: Option<String>, details: QueryDetails, result_data: Value, ms: i64| NewQuery {
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
            let details = QueryDetails {
                status: Some(AnswerStatus::NeedsClarification),
                engine: Some(RULES_ENGINE.into()),
                message: Some(message.clone()),
                suggestions: suggestions.clone(),
                ..Default::default()
            };
            let query = state
                .store
                .create_query(record(None, details, json!({}), 0))
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
            let details = QueryDetails {
                status: Some(AnswerStatus::Answered),
                engine: Some(RULES_ENGINE.into()),
                confidence: Some(f64::from(confidence)),
                interpretation: Some(interpretation),
                cached: run.cached,
                ..Default::default()
            };
            let chart = chart_for(&run.result, Some(summary));
            let data = serde_json::to_value(ResultData::with_named_value(run.result))?;
            let query = state
                .store
                .create_query(record(Some(sql), details, data, run.execution_time_ms))
                .await?;
            let chart_type = chart.chart_type;
            state
                .store
                .create_visualization(
                    user,
                    NewVisualization {
                        query_id: query.id,
                        chart_type,
                        config_json: chart,
                    },
                )
                .await?;
            Ok(Outcome::Answered {
                query: Box::new(query),
                cached: run.cached,
            })
        }
    }
}
