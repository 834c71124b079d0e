//! `/api/v1/visualizations`: the charts kept with a query — list, add, tune, remove.

use crate::auth::CurrentUser;
use crate::error::{not_found, ApiError, ApiResult, Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::{ChartSpec, ChartType, DisplayFormat, QueryId, VisualizationId, XType};
use serde::{Deserialize, Serialize};
use store::{NewVisualization, Visualization, VisualizationUpdate};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_visualization))
        .routes(routes!(
            list_visualizations,
            update_visualization,
            delete_visualization
        ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisualizationView {
    #[schema(value_type = String, format = Uuid)]
    pub id: VisualizationId,
    #[schema(value_type = String, format = Uuid)]
    pub query_id: QueryId,
    pub chart_type: ChartType,
    pub config_json: ChartSpec,
    pub created_at: DateTime<Utc>,
}

impl From<Visualization> for VisualizationView {
    fn from(v: Visualization) -> Self {
        Self {
            id: v.id,
            query_id: v.query_id,
            chart_type: v.chart_type,
            config_json: v.config_json.0,
            created_at: v.created_at,
        }
    }
}

/// The columns of a stored result (`result_data`), as far as a chart needs them.
#[derive(Default, Deserialize)]
struct StoredColumns {
    #[serde(default)]
    columns: Vec<engine::ResultColumn>,
}

/// A chart's settings as a client sends them. What is left out takes its default:
/// no keys, plain numbers, the question as the title. (A `chart_type` sent here is
/// ignored; the request's own `chart_type` decides.)
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ChartConfig {
    pub title: Option<String>,
    pub x_key: Option<String>,
    pub y_keys: Option<Vec<String>>,
    pub series_key: Option<String>,
    pub value_key: Option<String>,
    pub label: Option<String>,
    pub number_format: Option<DisplayFormat>,
    pub x_type: Option<XType>,
    pub top_n: Option<usize>,
    pub highlight_key: Option<String>,
}

impl ChartConfig {
    fn into_spec(self, chart_type: ChartType, default_title: impl FnOnce() -> String) -> ChartSpec {
        ChartSpec {
            chart_type,
            title: self.title.unwrap_or_else(default_title),
            x_key: self.x_key,
            y_keys: self.y_keys.unwrap_or_default(),
            series_key: self.series_key,
            value_key: self.value_key,
            label: self.label,
            number_format: self.number_format.unwrap_or_default(),
            x_type: self.x_type,
            top_n: self.top_n,
            highlight_key: self.highlight_key,
        }
    }
}

impl From<ChartSpec> for ChartConfig {
    fn from(spec: ChartSpec) -> Self {
        ChartConfig {
            title: Some(spec.title),
            x_key: spec.x_key,
            y_keys: Some(spec.y_keys),
            series_key: spec.series_key,
            value_key: spec.value_key,
            label: spec.label,
            number_format: Some(spec.number_format),
            x_type: spec.x_type,
            top_n: spec.top_n,
            highlight_key: spec.highlight_key,
        }
    }
}

/// The columns of the result stored with `query`, for checking a chart against
/// (none for a clarification, which stored no result).
pub(crate) fn stored_result_columns(query: &store::Query) -> Vec<viz::ResultColumn> {
    let stored: StoredColumns =
        serde_json::from_value(query.result_data.0.clone()).unwrap_or_default();
    stored
        .columns
        .iter()
        .map(|c| viz::ResultColumn::new(&c.name, c.column_type))
        .collect()
}

/// The chart `config` asks for, checked against the query's result columns; 422
/// with the reason.
async fn validated(
    state: &AppState,
    user: &CurrentUser,
    query_id: QueryId,
    chart_type: ChartType,
    config: ChartConfig,
) -> ApiResult<ChartSpec> {
    let query = state
        .store
        .get_query(user.id(), query_id)
        .await
        .map_err(not_found("query"))?;
    let columns = stored_result_columns(&query);
    let spec = config.into_spec(chart_type, || query.query_text.chars().take(120).collect());
    viz::validate(&spec, &columns)
        .map_err(|reason| ApiError::unprocessable("invalid_chart_config", reason))?;
    Ok(spec)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateVisualization {
    #[schema(value_type = String, format = Uuid)]
    pub query_id: QueryId,
    pub chart_type: ChartType,
    /// Chart settings; axis keys must be columns of the query's result.
    #[serde(default)]
    pub config_json: ChartConfig,
}

/// Saves a chart for a query.
#[utoipa::path(post, path = "/api/v1/visualizations", tag = "visualizations", request_body = CreateVisualization,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = VisualizationView), (status = 404), (status = 422)))]
async fn create_visualization(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreateVisualization>,
) -> ApiResult<(StatusCode, Json<VisualizationView>)> {
    let config = validated(
        &state,
        &user,
        body.query_id,
        body.chart_type,
        body.config_json,
    )
    .await?;
    let viz = state
        .store
        .create_visualization(
            user.id(),
            NewVisualization {
                query_id: body.query_id,
                chart_type: body.chart_type,
                config_json: config,
            },
        )
        .await
        .map_err(not_found("query"))?;
    Ok((StatusCode::CREATED, Json(viz.into())))
}

/// Every chart of a query. (The path segment is the query id.)
#[utoipa::path(get, path = "/api/v1/visualizations/{id}", tag = "visualizations",
    params(("id" = String, Path, description = "query id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<VisualizationView>), (status = 404)))]
async fn list_visualizations(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(query_id): Path<QueryId>,
) -> ApiResult<Json<Vec<VisualizationView>>> {
    state
        .store
        .get_query(user.id(), query_id)
        .await
        .map_err(not_found("query"))?;
    let list = state.store.list_visualizations(user.id(), query_id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateVisualization {
    pub chart_type: Option<ChartType>,
    /// New settings (replacing the current ones); left out, the current ones stay.
    pub config_json: Option<ChartConfig>,
}

/// Changes a chart's type or settings.
#[utoipa::path(put, path = "/api/v1/visualizations/{id}", tag = "visualizations",
    params(("id" = String, Path, description = "visualization id")), request_body = UpdateVisualization,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = VisualizationView), (status = 404), (status = 422)))]
async fn update_visualization(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<VisualizationId>,
    Json(body): Json<UpdateVisualization>,
) -> ApiResult<Json<VisualizationView>> {
    let current = state
        .store
        .get_visualization(user.id(), id)
        .await
        .map_err(not_found("visualization"))?;
    let chart_type = body.chart_type.unwrap_or(current.chart_type);
    let config = body
        .config_json
        .unwrap_or_else(|| ChartConfig::from(current.config_json.0));
    let config = validated(&state, &user, current.query_id, chart_type, config).await?;
    let updated = state
        .store
        .update_visualization(
            user.id(),
            id,
            VisualizationUpdate {
                chart_type: Some(chart_type),
                config_json: Some(config),
            },
        )
        .await
        .map_err(not_found("visualization"))?;
    Ok(Json(updated.into()))
}

/// Removes a chart.
#[utoipa::path(delete, path = "/api/v1/visualizations/{id}", tag = "visualizations",
    params(("id" = String, Path, description = "visualization id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 204), (status = 404)))]
async fn delete_visualization(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<VisualizationId>,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_visualization(user.id(), id)
        .await
        .map_err(not_found("visualization"))?;
    Ok(StatusCode::NO_CONTENT)
}
