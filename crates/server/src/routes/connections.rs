//! `/api/v1/data-sources`: connecting Google Sheets, REST APIs and databases,
//! trying a connection before saving it, and syncing.

use crate::auth::CurrentUser;
use crate::connections::{Connection, Extent};
use crate::error::{ApiResult, Json, Path};
use crate::limits::{RateLimit, Uploads};
use crate::routes::data_sources::{owned_source, view, DataSourceView};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use connectors::database::DatabaseConfig;
use connectors::rest::RestConfig;
use connectors::sheets::SheetLinkConfig;
use domain::{DataSourceId, SourceStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(connect_api))
        .routes(routes!(connect_database))
        .routes(routes!(connect_sheets))
        .routes(routes!(test_connection))
        .routes(routes!(sync))
}

/// What every connect request takes besides the connection itself.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SourceDetails {
    /// Display name (default: from the connection).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Sync every this many minutes (5 to 10,080); unset or 0: only on request.
    #[serde(default)]
    pub sync_interval_minutes: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConnectApi {
    #[serde(flatten)]
    pub source: SourceDetails,
    #[serde(flatten)]
    pub api: RestConfig,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConnectDatabase {
    #[serde(flatten)]
    pub source: SourceDetails,
    #[serde(flatten)]
    pub database: DatabaseConfig,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConnectSheets {
    #[serde(flatten)]
    pub source: SourceDetails,
    #[serde(flatten)]
    pub sheet: SheetLinkConfig,
}

async fn connect(
    state: &AppState,
    user: &CurrentUser,
    details: SourceDetails,
    connection: Connection,
) -> ApiResult<(StatusCode, Json<DataSourceView>)> {
    let interval = details
        .sync_interval_minutes
        .map(|m| crate::sync::check_interval(connection.source_type(), m))
        .transpose()?
        .flatten();
    let mut created = crate::sources::create_connected(
        state,
        user.id(),
        details.name,
        details.description,
        connection,
    )
    .await?;
    if interval.is_some() {
        created = state
            .store
            .update_data_source(
                user.id(),
                created.id,
                store::DataSourceUpdate {
                    sync_interval_minutes: Some(interval),
                    ..Default::default()
                },
            )
            .await?;
    }
    Ok((StatusCode::CREATED, Json(view(state, user, created).await?)))
}

/// Connects a JSON API: its records (selected by JSONPath, every page within
/// the limits, nested objects flattened into `a.b` columns) become a source.
#[utoipa::path(post, path = "/api/v1/data-sources/connect-api", tag = "data sources",
    request_body = ConnectApi, security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = DataSourceView),
        (status = 422, description = "the API could not be read: the error says why")))]
async fn connect_api(
    State(state): State<AppState>,
    _limit: RateLimit<Uploads>,
    user: CurrentUser,
    Json(body): Json<ConnectApi>,
) -> ApiResult<(StatusCode, Json<DataSourceView>)> {
    connect(&state, &user, body.source, Connection::Api(body.api)).await
}

/// Connects a PostgreSQL or MySQL/MariaDB table or read-only `SELECT`, read in
/// a read-only transaction with a statement timeout and a row cap.
#[utoipa::path(post, path = "/api/v1/data-sources/connect-database", tag = "data sources",
    request_body = ConnectDatabase, security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = DataSourceView),
        (status = 422, description = "the database could not be read: the error says why")))]
async fn connect_database(
    State(state): State<AppState>,
    _limit: RateLimit<Uploads>,
    user: CurrentUser,
    Json(body): Json<ConnectDatabase>,
) -> ApiResult<(StatusCode, Json<DataSourceView>)> {
    connect(
        &state,
        &user,
        body.source,
        Connection::Database(body.database),
    )
    .await
}

/// Connects a Google Sheet shared by link ("Anyone with the link can view").
#[utoipa::path(post, path = "/api/v1/data-sources/connect-sheets", tag = "data sources",
    request_body = ConnectSheets, security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = DataSourceView),
        (status = 422, description = "the sheet could not be read: the error says why")))]
async fn connect_sheets(
    State(state): State<AppState>,
    _limit: RateLimit<Uploads>,
    user: CurrentUser,
    Json(body): Json<ConnectSheets>,
) -> ApiResult<(StatusCode, Json<DataSourceView>)> {
    connect(
        &state,
        &user,
        body.source,
        Connection::GoogleSheets(body.sheet),
    )
    .await
}

/// The first rows a connection gives, as they would be typed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionPreview {
    pub columns: Vec<engine::ResultColumn>,
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<Value>>,
    /// Rows read for the preview.
    pub row_count: u64,
}

/// Rows the preview reads.
const PREVIEW_ROWS: u64 = 20;

/// Tries a connection without saving anything: its first rows, typed as the
/// source would be.
#[utoipa::path(post, path = "/api/v1/data-sources/test-connection", tag = "data sources",
    request_body = Connection, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ConnectionPreview),
        (status = 422, description = "the connection does not work: the error says why")))]
async fn test_connection(
    // Tried again and again while a form is filled in: the general rate limit
    // applies, not the upload one.
    State(state): State<AppState>,
    _user: CurrentUser,
    Json(connection): Json<Connection>,
) -> ApiResult<Json<ConnectionPreview>> {
    let temp_dir = state.settings.data_dir.join("uploads/temp");
    std::fs::create_dir_all(&temp_dir).map_err(crate::error::ApiError::internal)?;
    let snapshot = tempfile::Builder::new()
        .prefix("preview-")
        .suffix(".parquet")
        .tempfile_in(&temp_dir)
        .map_err(crate::error::ApiError::internal)?
        .into_temp_path();
    let fetched =
        crate::connections::fetch(&state, &connection, Extent::Sample(PREVIEW_ROWS), &snapshot)
            .await?;
    let page = state.sandbox.preview(&snapshot, 0, PREVIEW_ROWS).await?;
    Ok(Json(ConnectionPreview {
        columns: page.columns,
        rows: page.rows,
        row_count: fetched.ingested.row_count.min(PREVIEW_ROWS),
    }))
}

/// A sync that was asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncAccepted {
    #[schema(value_type = String, format = Uuid)]
    pub id: DataSourceId,
    /// `syncing` until the new snapshot is in (poll the source).
    pub status: SourceStatus,
    /// `false` when a sync of this source was already running (it is not run twice).
    pub started: bool,
}

/// Syncs a connected source in the background: `syncing`, then `connected`
/// with a new snapshot (and a new version, so cached answers are recomputed)
/// or `error` with the reason, the previous snapshot still answering.
#[utoipa::path(post, path = "/api/v1/data-sources/{id}/sync", tag = "data sources",
    params(("id" = String, Path)), security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = SyncAccepted), (status = 404),
        (status = 409, description = "an uploaded file: upload it again instead")))]
async fn sync(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
) -> ApiResult<(StatusCode, Json<SyncAccepted>)> {
    let source = owned_source(&state, &user, id).await?;
    let started = crate::sync::request(&state, &source).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(SyncAccepted {
            id,
            status: SourceStatus::Syncing,
            started,
        }),
    ))
}
