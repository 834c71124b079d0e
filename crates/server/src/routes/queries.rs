//! `/api/v1/queries`: run SQL or a natural-language question, history, saved
//! queries and exports.

use crate::auth::CurrentUser;
use crate::error::{not_found, ApiResult, Json, Path, Query};
use crate::limits::{Queries, RateLimit};
use crate::querying::{self, ResultData};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::{DataSourceId, QueryId, QueryType};
use serde::{Deserialize, Serialize};
use store::{Page, Paged, QueryFilter};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(execute))
        .routes(routes!(natural_language))
        .routes(routes!(list_queries))
        .routes(routes!(list_saved))
        .routes(routes!(get_query, delete_query))
        .routes(routes!(save_query, unsave_query))
        .routes(routes!(export_query))
}

/// A chart stored with a query.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChartView {
    #[schema(value_type = String, format = Uuid)]
    pub id: domain::VisualizationId,
    pub chart_type: domain::ChartType,
    /// The chart spec the web app draws.
    pub config: domain::ChartSpec,
}

/// A query in the history, with its result.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueryView {
    #[schema(value_type = String, format = Uuid)]
    pub id: QueryId,
    /// `answered` (or `needs_clarification` for a question the engine could not ground).
    pub status: &'static str,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub data_source_id: Option<uuid::Uuid>,
    pub query_text: String,
    pub query_type: QueryType,
    /// The SQL that produced the result.
    pub interpreted_query: Option<String>,
    /// How the question was read (natural-language queries).
    pub interpretation: Option<domain::Interpretation>,
    /// `rules` (offline engine) or `llm`.
    pub engine: Option<String>,
    pub confidence: Option<f64>,
    /// How the language model wrote the SQL: model, explanation, assumptions,
    /// tokens and attempts (answers and clarifications of the `llm` engine).
    pub llm: Option<domain::LlmTrace>,
    /// The result; none for a question that was sent back with a clarification.
    pub result_data: Option<ResultData>,
    pub visualizations: Vec<ChartView>,
    pub execution_time_ms: i64,
    pub is_saved: bool,
    /// Whether the result came from the cache.
    pub cached: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn query_view(
    state: &AppState,
    user: &CurrentUser,
    query: store::Query,
) -> ApiResult<QueryView> {
    let charts = state.store.list_visualizations(user.id(), query.id).await?;
    Ok(view_with_charts(query, charts))
}

/// The view of `query` with the charts stored for it.
fn view_with_charts(query: store::Query, charts: Vec<store::Visualization>) -> QueryView {
    let details = query.details.map(|d| d.0).unwrap_or_default();
    let status = if details.status == Some(store::AnswerStatus::NeedsClarification) {
        "needs_clarification"
    } else {
        "answered"
    };
    QueryView {
        id: query.id,
        status,
        data_source_id: query.data_source_id,
        query_text: query.query_text,
        query_type: query.query_type,
        interpreted_query: query.interpreted_query,
        interpretation: details.interpretation,
        engine: details.engine,
        confidence: details.confidence,
        llm: details.llm,
        result_data: ResultData::from_stored(query.result_data.0),
        visualizations: charts
            .into_iter()
            .map(|v| ChartView {
                id: v.id,
                chart_type: v.chart_type,
                config: v.config_json.0,
            })
            .collect(),
        execution_time_ms: query.execution_time_ms,
        is_saved: query.is_saved,
        cached: details.cached,
        created_at: query.created_at,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ExecuteRequest {
    #[schema(value_type = String, format = Uuid)]
    pub data_source_id: DataSourceId,
    /// One SELECT statement. The source is available as `data` and under its table name.
    pub sql: String,
}

/// Runs SQL you typed against a data source (read-only, sandboxed, row-capped).
#[utoipa::path(post, path = "/api/v1/queries/execute", tag = "queries", request_body = ExecuteRequest,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = QueryView), (status = 400, description = "not a single SELECT"),
        (status = 404), (status = 422, description = "unknown column, type mismatch, limits")))]
async fn execute(
    State(state): State<AppState>,
    _limit: RateLimit<Queries>,
    user: CurrentUser,
    Json(body): Json<ExecuteRequest>,
) -> ApiResult<Json<QueryView>> {
    let (query, cached) =
        querying::execute_and_record(&state, user.id(), body.data_source_id, &body.sql).await?;
    // A query that was just recorded has no charts yet.
    let mut view = view_with_charts(query, Vec::new());
    view.cached = cached;
    Ok(Json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuestionRequest {
    #[schema(value_type = String, format = Uuid)]
    pub data_source_id: DataSourceId,
    /// The question in plain English.
    pub query_text: String,
    /// The engine for this question (default: the server's `INSIGHTIQ_NL_ENGINE`).
    #[serde(default)]
    pub engine: Option<domain::NlEngine>,
}

/// A question the engine could not ground in the data: what it needs, and
/// questions it can answer instead. Recorded in the history like answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Clarification {
    #[schema(value_type = String, format = Uuid)]
    pub id: QueryId,
    /// Always `needs_clarification`.
    pub status: &'static str,
    pub query_text: String,
    pub message: String,
    pub suggestions: Vec<String>,
    /// `rules` or `llm`: the engine that asked back.
    pub engine: domain::NlEngine,
    /// Whether asking again with `engine: "llm"` can help: a language model
    /// is configured and only the rules engine has tried.
    pub ai_available: bool,
}

/// The answer to a question, or a clarification (tell them apart by `status`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AskResponse {
    Answered(Box<QueryView>),
    NeedsClarification(Clarification),
}

/// Answers a question in plain English: SQL, interpretation, result and chart,
/// or a clarification with suggestions when the question cannot be grounded.
#[utoipa::path(post, path = "/api/v1/queries/natural-language", tag = "queries", request_body = QuestionRequest,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = AskResponse), (status = 404),
        (status = 422, description = "invalid question, or engine `llm` without a configured model"),
        (status = 429, description = "rate limit, or the daily AI token allowance is used up (`llm_budget_exceeded`)")))]
async fn natural_language(
    State(state): State<AppState>,
    _limit: RateLimit<Queries>,
    user: CurrentUser,
    Json(body): Json<QuestionRequest>,
) -> ApiResult<Json<AskResponse>> {
    let outcome = crate::nl::ask_and_record(
        &state,
        (&user).into(),
        body.data_source_id,
        &body.query_text,
        body.engine,
    )
    .await?;
    Ok(Json(match outcome {
        crate::nl::Outcome::Answered { query, cached } => {
            let mut view = query_view(&state, &user, *query).await?;
            view.cached = cached;
            AskResponse::Answered(Box::new(view))
        }
        crate::nl::Outcome::Clarify {
            query_id,
            message,
            suggestions,
            engine,
        } => AskResponse::NeedsClarification(Clarification {
            id: query_id,
            status: "needs_clarification",
            query_text: body.query_text,
            message,
            suggestions,
            engine,
            ai_available: state.llm.is_some() && engine == domain::NlEngine::Rules,
        }),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryParams {
    pub page: Option<i64>,
    pub page_size: Option<i64>,
    /// Only queries on this data source.
    #[param(value_type = Option<String>, format = Uuid)]
    pub data_source_id: Option<DataSourceId>,
    /// `natural_language`, `sql` or `aggregation`.
    pub query_type: Option<QueryType>,
    /// Case-insensitive text to look for in the query.
    pub search: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueryPage {
    pub items: Vec<QueryView>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// A page of the caller's history (or saved queries) matching `params`.
async fn history(
    state: &AppState,
    user: &CurrentUser,
    params: HistoryParams,
    saved_only: bool,
) -> ApiResult<QueryPage> {
    let filter = QueryFilter {
        data_source_id: params.data_source_id,
        query_type: params.query_type,
        search: params.search.filter(|s| !s.trim().is_empty()),
        saved_only,
    };
    let page = Page::new(params.page, params.page_size);
    let paged = state.store.list_queries(user.id(), filter, page).await?;
    page_of(state, user, paged).await
}

async fn page_of(
    state: &AppState,
    user: &CurrentUser,
    paged: Paged<store::Query>,
) -> ApiResult<QueryPage> {
    let mut items = Vec::with_capacity(paged.items.len());
    for q in paged.items {
        items.push(query_view(state, user, q).await?);
    }
    Ok(QueryPage {
        items,
        total: paged.total,
        page: paged.page,
        page_size: paged.page_size,
    })
}

/// The caller's query history, newest first.
#[utoipa::path(get, path = "/api/v1/queries", tag = "queries", params(HistoryParams),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = QueryPage)))]
async fn list_queries(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<HistoryParams>,
) -> ApiResult<Json<QueryPage>> {
    Ok(Json(history(&state, &user, params, false).await?))
}

/// The caller's saved queries, newest first.
#[utoipa::path(get, path = "/api/v1/queries/saved", tag = "queries", params(HistoryParams),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = QueryPage)))]
async fn list_saved(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<HistoryParams>,
) -> ApiResult<Json<QueryPage>> {
    Ok(Json(history(&state, &user, params, true).await?))
}

/// One query with its result and charts.
#[utoipa::path(get, path = "/api/v1/queries/{id}", tag = "queries", params(("id" = String, Path)),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = QueryView), (status = 404)))]
async fn get_query(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<QueryId>,
) -> ApiResult<Json<QueryView>> {
    let query = state
        .store
        .get_query(user.id(), id)
        .await
        .map_err(not_found("query"))?;
    Ok(Json(query_view(&state, &user, query).await?))
}

/// Deletes a query from the history (with its charts).
#[utoipa::path(delete, path = "/api/v1/queries/{id}", tag = "queries", params(("id" = String, Path)),
    security(("bearer" = []), ("api_key" = [])), responses((status = 204), (status = 404)))]
async fn delete_query(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<QueryId>,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_query(user.id(), id)
        .await
        .map_err(not_found("query"))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_saved(
    state: &AppState,
    user: &CurrentUser,
    id: QueryId,
    saved: bool,
) -> ApiResult<QueryView> {
    let query = state
        .store
        .set_query_saved(user.id(), id, saved)
        .await
        .map_err(not_found("query"))?;
    query_view(state, user, query).await
}

/// Marks a query as saved.
#[utoipa::path(post, path = "/api/v1/queries/{id}/save", tag = "queries", params(("id" = String, Path)),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = QueryView), (status = 404)))]
async fn save_query(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<QueryId>,
) -> ApiResult<Json<QueryView>> {
    Ok(Json(set_saved(&state, &user, id, true).await?))
}

/// Removes a query from the saved list (it stays in the history).
#[utoipa::path(delete, path = "/api/v1/queries/{id}/save", tag = "queries", params(("id" = String, Path)),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = QueryView), (status = 404)))]
async fn unsave_query(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<QueryId>,
) -> ApiResult<Json<QueryView>> {
    Ok(Json(set_saved(&state, &user, id, false).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportParams {
    /// `csv` (default), `xlsx`, `json` or `parquet`.
    pub format: Option<String>,
}

/// Downloads a query's result. A result that was cut at the row cap is run again
/// in full (still bounded by time and memory).
#[utoipa::path(get, path = "/api/v1/queries/{id}/export", tag = "queries",
    params(("id" = String, Path), ExportParams), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "the file"), (status = 404), (status = 422)))]
async fn export_query(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<QueryId>,
    Query(params): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = crate::export::parse_format(params.format.as_deref().unwrap_or("csv"))?;
    let query = state
        .store
        .get_query(user.id(), id)
        .await
        .map_err(not_found("query"))?;
    let file = crate::export::export(&state, user.id(), &query, format).await?;
    let disposition = format!(
        "attachment; filename=\"query-{}.{}\"",
        query.id,
        format.extension()
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file,
    )
        .into_response())
}
