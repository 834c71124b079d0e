//! `/api/v1/dashboard/tiles`: answers pinned to the user's dashboard — pin, list,
//! reorder, resize, remove — and each tile's result, re-run against the current
//! snapshot of its source when the dashboard opens.

use crate::auth::CurrentUser;
use crate::error::{not_found, ApiError, ApiResult, Json, Path};
use crate::querying::{run_sql, QueryError, ResultData};
use crate::routes::visualizations::stored_result_columns;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::{ChartSpec, DataSourceId, QueryId, TileId, VisualizationId};
use serde::{Deserialize, Serialize};
use store::{DashboardTile, NewDashboardTile, TileUpdate};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Most tiles on one dashboard.
pub const MAX_TILES: usize = 50;
const MAX_TITLE_CHARS: usize = 200;
const WIDTHS: std::ops::RangeInclusive<i64> = 1..=3;
const HEIGHTS: std::ops::RangeInclusive<i64> = 1..=2;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tiles, pin_tile))
        .routes(routes!(reorder_tiles))
        .routes(routes!(update_tile, delete_tile))
        .routes(routes!(tile_result))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TileView {
    #[schema(value_type = String, format = Uuid)]
    pub id: TileId,
    pub title: String,
    /// The history entry the tile was pinned from (null once that was deleted).
    #[schema(value_type = Option<String>, format = Uuid)]
    pub query_id: Option<uuid::Uuid>,
    /// The source the tile's SQL runs against (null once the source was deleted).
    #[schema(value_type = Option<String>, format = Uuid)]
    pub data_source_id: Option<uuid::Uuid>,
    /// The source's name when the tile was pinned.
    pub source_name: String,
    pub sql: String,
    /// The chart as pinned; null leaves the choice to the client.
    pub chart: Option<ChartSpec>,
    pub position: i64,
    /// Grid columns (1–3) and rows (1–2) the tile spans.
    pub width: i64,
    pub height: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<DashboardTile> for TileView {
    fn from(t: DashboardTile) -> Self {
        Self {
            id: t.id,
            title: t.title,
            query_id: t.query_id,
            data_source_id: t.data_source_id,
            source_name: t.source_name,
            sql: t.sql_text,
            chart: t.chart.map(|c| c.0),
            position: t.position,
            width: t.width,
            height: t.height,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// What to pin: an answer (`query_id`, optionally with the chart as the user sees it)
/// or a saved chart (`visualization_id`). Exactly one of the two.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinTile {
    #[schema(value_type = Option<String>, format = Uuid)]
    pub query_id: Option<QueryId>,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub visualization_id: Option<VisualizationId>,
    /// Defaults to the chart's title, or the question.
    pub title: Option<String>,
    /// The chart to draw (its keys must be columns of the answer); defaults to the
    /// saved chart of the visualization or of the query.
    pub chart: Option<ChartSpec>,
    /// 1–3, default 1.
    pub width: Option<i64>,
    /// 1–2, default 1.
    pub height: Option<i64>,
}

fn checked_size(width: Option<i64>, height: Option<i64>) -> ApiResult<()> {
    if width.is_some_and(|w| !WIDTHS.contains(&w)) {
        return Err(ApiError::unprocessable(
            "invalid_tile_size",
            "width must be 1, 2 or 3 grid columns",
        ));
    }
    if height.is_some_and(|h| !HEIGHTS.contains(&h)) {
        return Err(ApiError::unprocessable(
            "invalid_tile_size",
            "height must be 1 or 2 grid rows",
        ));
    }
    Ok(())
}

fn checked_title(title: String) -> ApiResult<String> {
    let title = title.trim().to_string();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(ApiError::unprocessable(
            "invalid_tile_title",
            format!("a tile title needs 1 to {MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(title)
}

/// The user's dashboard tiles in order.
#[utoipa::path(get, path = "/api/v1/dashboard/tiles", tag = "dashboard",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<TileView>)))]
async fn list_tiles(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<TileView>>> {
    let tiles = state.store.list_tiles(user.id()).await?;
    Ok(Json(tiles.into_iter().map(Into::into).collect()))
}

/// Pins an answer or a saved chart to the end of the dashboard.
#[utoipa::path(post, path = "/api/v1/dashboard/tiles", tag = "dashboard", request_body = PinTile,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = TileView), (status = 404), (status = 422)))]
async fn pin_tile(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<PinTile>,
) -> ApiResult<(StatusCode, Json<TileView>)> {
    checked_size(body.width, body.height)?;
    let (query_id, saved_chart) = match (body.query_id, body.visualization_id) {
        (Some(q), None) => (q, None),
        (None, Some(v)) => {
            let viz = state
                .store
                .get_visualization(user.id(), v)
                .await
                .map_err(not_found("visualization"))?;
            (viz.query_id, Some(viz.config_json.0))
        }
        _ => {
            return Err(ApiError::unprocessable(
                "invalid_tile",
                "send exactly one of query_id (an answer) or visualization_id (a saved chart)",
            ))
        }
    };
    let query = state
        .store
        .get_query(user.id(), query_id)
        .await
        .map_err(not_found("query"))?;
    let (Some(sql), Some(source_id)) = (query.interpreted_query.clone(), query.data_source_id)
    else {
        return Err(ApiError::unprocessable(
            "nothing_to_pin",
            "this query has no answer to pin (it was sent back for clarification or has no data source); ask it again and pin the answer",
        ));
    };
    let source_id = DataSourceId(source_id);
    let source = state
        .store
        .get_data_source(user.id(), source_id)
        .await
        .map_err(not_found("data source"))?;
    let saved_chart = match saved_chart {
        Some(chart) => Some(chart),
        None => state
            .store
            .list_visualizations(user.id(), query_id)
            .await?
            .into_iter()
            .next()
            .map(|v| v.config_json.0),
    };
    let chart = match body.chart {
        Some(chart) => {
            viz::validate(&chart, &stored_result_columns(&query))
                .map_err(|reason| ApiError::unprocessable("invalid_chart_config", reason))?;
            Some(chart)
        }
        None => saved_chart,
    };
    let title = match body.title {
        Some(title) => checked_title(title)?,
        None => chart
            .as_ref()
            .map(|c| c.title.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| query.query_text.chars().take(MAX_TITLE_CHARS).collect()),
    };
    if state.store.list_tiles(user.id()).await?.len() >= MAX_TILES {
        return Err(ApiError::unprocessable(
            "dashboard_full",
            format!("a dashboard holds at most {MAX_TILES} tiles; remove one first"),
        ));
    }
    let tile = state
        .store
        .create_tile(NewDashboardTile {
            user_id: user.id(),
            query_id: Some(query_id),
            data_source_id: source_id,
            source_name: source.name,
            title,
            sql_text: sql,
            chart,
            width: body.width.unwrap_or(1),
            height: body.height.unwrap_or(1),
        })
        .await
        .map_err(not_found("data source"))?;
    Ok((StatusCode::CREATED, Json(tile.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTile {
    pub title: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

/// Renames or resizes a tile.
#[utoipa::path(patch, path = "/api/v1/dashboard/tiles/{id}", tag = "dashboard",
    params(("id" = String, Path, description = "tile id")), request_body = UpdateTile,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = TileView), (status = 404), (status = 422)))]
async fn update_tile(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<TileId>,
    Json(body): Json<UpdateTile>,
) -> ApiResult<Json<TileView>> {
    checked_size(body.width, body.height)?;
    let title = body.title.map(checked_title).transpose()?;
    let tile = state
        .store
        .update_tile(
            user.id(),
            id,
            TileUpdate {
                title,
                chart: None,
                width: body.width,
                height: body.height,
            },
        )
        .await
        .map_err(not_found("tile"))?;
    Ok(Json(tile.into()))
}

/// Removes a tile (the answer it came from stays in the history).
#[utoipa::path(delete, path = "/api/v1/dashboard/tiles/{id}", tag = "dashboard",
    params(("id" = String, Path, description = "tile id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 204), (status = 404)))]
async fn delete_tile(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<TileId>,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_tile(user.id(), id)
        .await
        .map_err(not_found("tile"))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TileOrder {
    /// Every tile of the dashboard, in the new order.
    #[schema(value_type = Vec<String>)]
    pub tile_ids: Vec<TileId>,
}

/// Puts the dashboard's tiles in a new order (all of them, each once).
#[utoipa::path(put, path = "/api/v1/dashboard/tiles/order", tag = "dashboard", request_body = TileOrder,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<TileView>), (status = 404), (status = 422)))]
async fn reorder_tiles(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<TileOrder>,
) -> ApiResult<Json<Vec<TileView>>> {
    let current = state.store.list_tiles(user.id()).await?;
    let mut wanted = body.tile_ids.clone();
    wanted.sort();
    wanted.dedup();
    if wanted.len() != body.tile_ids.len() || wanted.len() != current.len() {
        return Err(ApiError::unprocessable(
            "invalid_tile_order",
            format!(
                "send every tile id of the dashboard exactly once ({} tiles)",
                current.len()
            ),
        ));
    }
    state
        .store
        .reorder_tiles(user.id(), &body.tile_ids)
        .await
        .map_err(not_found("tile"))?;
    let tiles = state.store.list_tiles(user.id()).await?;
    Ok(Json(tiles.into_iter().map(Into::into).collect()))
}

/// Whether a tile could be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TileStatus {
    /// `result` holds the rows of the current snapshot.
    Ok,
    /// The source was deleted; the tile has nothing to show.
    SourceDeleted,
    /// The SQL no longer runs on the current snapshot (a column was removed or renamed).
    Failed,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TileResult {
    pub status: TileStatus,
    /// Why the tile is empty (null when it is not).
    pub message: Option<String>,
    pub result: Option<ResultData>,
    /// Whether the rows came from the result cache.
    pub cached: bool,
    pub execution_time_ms: i64,
}

impl TileResult {
    fn empty(status: TileStatus, message: String) -> Self {
        TileResult {
            status,
            message: Some(message),
            result: None,
            cached: false,
            execution_time_ms: 0,
        }
    }
}

/// The tile's SQL re-run against the current snapshot of its source (served from the
/// result cache while the snapshot is unchanged). An empty tile says why in `status`.
#[utoipa::path(get, path = "/api/v1/dashboard/tiles/{id}/result", tag = "dashboard",
    params(("id" = String, Path, description = "tile id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = TileResult), (status = 404)))]
async fn tile_result(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<TileId>,
) -> ApiResult<Json<TileResult>> {
    let tile = state
        .store
        .get_tile(user.id(), id)
        .await
        .map_err(not_found("tile"))?;
    let deleted = || {
        TileResult::empty(
            TileStatus::SourceDeleted,
            format!(
                "The data source \u{201c}{}\u{201d} was deleted, so this tile has nothing to show. Remove the tile or pin an answer from another source.",
                tile.source_name
            ),
        )
    };
    let Some(source_id) = tile.data_source_id else {
        return Ok(Json(deleted()));
    };
    match run_sql(&state, user.id(), DataSourceId(source_id), &tile.sql_text).await {
        Ok(run) => Ok(Json(TileResult {
            status: TileStatus::Ok,
            message: None,
            result: Some(ResultData::plain(run.result)),
            cached: run.cached,
            execution_time_ms: run.execution_time_ms,
        })),
        Err(QueryError::SourceNotFound) => Ok(Json(deleted())),
        Err(QueryError::NotQueryable) => Ok(Json(TileResult::empty(
            TileStatus::Failed,
            "The data source has no data snapshot right now; sync or re-upload it.".into(),
        ))),
        Err(QueryError::Engine(e)) if e.is_user_error() => Ok(Json(TileResult::empty(
            TileStatus::Failed,
            format!("This answer no longer runs on the current data: {e}"),
        ))),
        Err(e) => Err(e.into()),
    }
}
