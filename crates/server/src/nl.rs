//! Answering questions in plain English: the data source's columns and value
//! index become an `nlq::Schema`, the rules engine or the LLM (`nlq::route`)
//! writes SQL, the sandbox runs it (and sends LLM SQL that fails back for
//! repair), `viz` picks the chart, and the query and chart are recorded.

use crate::querying::{run_sql, QueryError, ResultData};
use crate::state::AppState;
use domain::{ApiKeyId, ChartType, DataSourceId, LlmTrace, NlEngine, QueryType, UserId};
use engine::query::QueryResult;
use nlq::llm::RunFailure;
use nlq::{RouteError, Routed};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use store::{
    AnswerStatus, DataSource, NewLlmUsage, NewQuery, NewVisualization, Query, QueryDetails,
    StoreError, UsageScope,
};

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
    #[error("no language model is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI's), or ask with engine `rules` or `auto`")]
    LlmNotConfigured,
    #[error("the daily AI allowance of {whose} is used up ({used} of {budget} tokens); it renews at midnight UTC. Until then ask with engine `rules`")]
    LlmBudgetExceeded {
        whose: &'static str,
        used: i64,
        budget: u64,
        retry_after_secs: u64,
    },
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
        /// The engine that asked back.
        engine: NlEngine,
    },
}

/// Who asks: the user, and the API key the request came with (each has a
/// daily LLM token budget).
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub user: UserId,
    pub api_key: Option<ApiKeyId>,
}

impl From<&crate::auth::CurrentUser> for Caller {
    fn from(current: &crate::auth::CurrentUser) -> Self {
        Self {
            user: current.id(),
            api_key: match current.method {
                crate::auth::AuthMethod::ApiKey(key) => Some(key),
                crate::auth::AuthMethod::AccessToken { .. } => None,
            },
        }
    }
}

/// The question engine's view of a data source, queried as `table`.
pub fn schema_for(source: &DataSource, table: &str) -> nlq::Schema {
    nlq::Schema::from_source(&source.columns_info.0, table)
}

/// The chart for a result (`chart_type`: the engine's suggestion, used when it fits).
pub fn chart_for(
    result: &QueryResult,
    title: Option<String>,
    chart_type: Option<ChartType>,
) -> viz::ChartSpec {
    let columns: Vec<viz::ResultColumn> = result
        .columns
        .iter()
        .map(|c| viz::ResultColumn::new(&c.name, c.column_type))
        .collect();
    let hint = viz::Hint { chart_type, title };
    viz::recommend(&columns, result.rows.len(), Some(&hint))
}

/// The rows of a run, which `auto` compares between two readings of a question.
fn result_rows(run: &crate::querying::SqlRun) -> &[Vec<Value>] {
    &run.result.rows
}

/// Answers `question` about one of the user's sources with `engine` (the
/// configured one when `None`) and records it in history.
pub async fn ask_and_record(
    state: &AppState,
    caller: Caller,
    data_source_id: DataSourceId,
    question: &str,
    engine: Option<NlEngine>,
) -> Result<Outcome, AskError> {
    let question = question.trim();
    if question.is_empty() || question.chars().count() > MAX_QUESTION_CHARS {
        return Err(AskError::InvalidQuestion {
            max: MAX_QUESTION_CHARS,
        });
    }
    let source = match state
        .store
        .get_data_source(caller.user, data_source_id)
        .await
    {
        Err(StoreError::NotFound) => return Err(AskError::SourceNotFound),
        other => other?,
    };
    let user = caller.user;
    let choice = engine.unwrap_or(state.settings.nl_engine);
    // Over budget, `llm` is refused at once and `auto` keeps the rules answers.
    let over_budget = match (&state.llm, choice) {
        (Some(_), NlEngine::Llm | NlEngine::Auto) => budget_exceeded(state, caller).await?,
        _ => None,
    };
    let llm = match over_budget {
        Some(refusal) if choice == NlEngine::Llm => return Err(refusal),
        Some(_) => None,
        None => state.llm.as_deref(),
    };
    let schema = schema_for(&source, "data");
    let today = chrono::Utc::now().date_naive();
    let ctx = nlq::Context { today };
    let prompt = nlq::llm::PromptInput {
        question,
        schema: &source.columns_info.0,
        today,
        time_zone: "UTC",
        share_values: source.share_sample_values,
    };
    let memo_key = llm_memo_key(state, &source, question, choice);
    let remembered = match (&memo_key, choice) {
        (Some(key), NlEngine::Llm | NlEngine::Auto) => recall(state, key).await,
        _ => None,
    };
    let run = |sql: String| async move {
        run_sql(state, user, source.id, &sql)
            .await
            .map_err(|e| match e {
                QueryError::Engine(e) if e.is_user_error() => RunFailure::Repairable(e.to_string()),
                other => RunFailure::Fatal(other),
            })
    };
    let routed = nlq::route(
        choice,
        llm,
        &schema,
        &ctx,
        &prompt,
        remembered,
        run,
        result_rows,
    )
    .await
    .map_err(|e| match e {
        RouteError::LlmNotConfigured => AskError::LlmNotConfigured,
        RouteError::Fatal(e) => AskError::Query(e),
    })?;
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
    let (sql, details, run, chart_hint, title) = match routed {
        Routed::Clarify {
            message,
            suggestions,
            engine,
            usage,
            attempts,
        } => {
            // `auto` over budget: the rules engine could not answer and the LLM may not.
            if let Some(refusal) = over_budget {
                return Err(refusal);
            }
            let details = QueryDetails {
                status: Some(AnswerStatus::NeedsClarification),
                engine: Some(engine.as_str().into()),
                message: Some(message.clone()),
                suggestions: suggestions.clone(),
                llm: (engine == NlEngine::Llm).then(|| LlmTrace {
                    model: state
                        .llm
                        .as_ref()
                        .map(|l| l.model().to_string())
                        .unwrap_or_default(),
                    prompt_tokens: usage.prompt_tokens,
                    completion_tokens: usage.completion_tokens,
                    attempts,
                    ..Default::default()
                }),
                ..Default::default()
            };
            let query = state
                .store
                .create_query(record(None, details, json!({}), 0))
                .await?;
            record_usage(
                state,
                caller,
                Some(query.id),
                usage.prompt_tokens,
                usage.completion_tokens,
            )
            .await?;
            return Ok(Outcome::Clarify {
                query_id: query.id,
                message,
                suggestions,
                engine,
            });
        }
        Routed::Rules {
            sql,
            interpretation,
            confidence,
        } => {
            let run = run_sql(state, user, source.id, &sql).await?;
            let title = interpretation.summary.clone();
            let details = QueryDetails {
                status: Some(AnswerStatus::Answered),
                engine: Some(NlEngine::Rules.as_str().into()),
                confidence: Some(f64::from(confidence)),
                interpretation: Some(interpretation),
                cached: run.cached,
                ..Default::default()
            };
            (sql, details, run, None, title)
        }
        Routed::Llm(answer) => {
            if let Some(key) = &memo_key {
                remember(state, key, &answer.reply).await;
            }
            let details = QueryDetails {
                status: Some(AnswerStatus::Answered),
                engine: Some(NlEngine::Llm.as_str().into()),
                cached: answer.output.cached,
                llm: Some(answer.trace.clone()),
                ..Default::default()
            };
            let title = answer.reply.explanation.clone();
            (
                answer.reply.sql,
                details,
                answer.output,
                answer.reply.chart,
                title,
            )
        }
    };
    let tokens = details
        .llm
        .as_ref()
        .map(|t| (t.prompt_tokens, t.completion_tokens));
    let chart = chart_for(&run.result, Some(title), chart_hint);
    let cached = run.cached;
    let data = serde_json::to_value(ResultData::with_named_value(run.result))?;
    let query = state
        .store
        .create_query(record(Some(sql), details, data, run.execution_time_ms))
        .await?;
    if let Some((prompt_tokens, completion_tokens)) = tokens {
        record_usage(
            state,
            caller,
            Some(query.id),
            prompt_tokens,
            completion_tokens,
        )
        .await?;
    }
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
        cached,
    })
}

/// The refusal to send when `caller` or its API key has spent its daily tokens.
pub(crate) async fn budget_exceeded(
    state: &AppState,
    caller: Caller,
) -> Result<Option<AskError>, StoreError> {
    let now = chrono::Utc::now();
    let midnight = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let retry_after_secs = (midnight + chrono::Duration::days(1) - now)
        .num_seconds()
        .max(1) as u64;
    let settings = &state.settings;
    let mut scopes = vec![(
        "your account",
        UsageScope::User(caller.user),
        settings.llm_daily_tokens_per_user,
    )];
    if let Some(key) = caller.api_key {
        scopes.push((
            "this API key",
            UsageScope::ApiKey(caller.user, key),
            settings.llm_daily_tokens_per_api_key,
        ));
    }
    for (whose, scope, budget) in scopes {
        if budget == 0 {
            continue;
        }
        let used = state.store.llm_tokens_since(scope, midnight).await?;
        if used >= 0 && used as u64 >= budget {
            return Ok(Some(AskError::LlmBudgetExceeded {
                whose,
                used,
                budget,
                retry_after_secs,
            }));
        }
    }
    Ok(None)
}

/// Counts the tokens one request spent against the caller's budgets.
pub(crate) async fn record_usage(
    state: &AppState,
    caller: Caller,
    query_id: Option<domain::QueryId>,
    prompt_tokens: u64,
    completion_tokens: u64,
) -> Result<(), StoreError> {
    let Some(llm) = &state.llm else { return Ok(()) };
    if prompt_tokens + completion_tokens == 0 {
        return Ok(());
    }
    state
        .store
        .record_llm_usage(NewLlmUsage {
            user_id: caller.user,
            api_key_id: caller.api_key,
            query_id,
            model: llm.model().to_string(),
            prompt_tokens: i64::try_from(prompt_tokens).unwrap_or(i64::MAX),
            completion_tokens: i64::try_from(completion_tokens).unwrap_or(i64::MAX),
        })
        .await
}

/// Accepted LLM replies are remembered for a day per question, model and
/// snapshot version: asking again costs no tokens, and a new snapshot asks anew.
const LLM_MEMO_TTL: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

fn llm_memo_key(
    state: &AppState,
    source: &DataSource,
    question: &str,
    engine: NlEngine,
) -> Option<String> {
    let llm = state.llm.as_ref()?;
    let normalized = question
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let mut hasher = Sha256::new();
    hasher.update(llm.model().as_bytes());
    hasher.update(b"\0");
    // `auto` keeps only replies a second reading confirmed; `llm` keeps its first.
    hasher.update(engine.as_str().as_bytes());
    hasher.update(b"\0");
    hasher.update(normalized.as_bytes());
    Some(format!(
        "llm-sql:{}:{}:{}",
        source.id,
        source.version,
        hex::encode(&hasher.finalize()[..16])
    ))
}

async fn recall(state: &AppState, key: &str) -> Option<nlq::llm::LlmReply> {
    let bytes = state.cache.get(key).await?;
    serde_json::from_slice(&bytes).ok()
}

async fn remember(state: &AppState, key: &str, reply: &nlq::llm::LlmReply) {
    if let Ok(bytes) = serde_json::to_vec(reply) {
        state.cache.set(key, bytes.into(), LLM_MEMO_TTL).await;
    }
}
