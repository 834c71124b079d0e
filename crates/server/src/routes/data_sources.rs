//! `/api/v1/data-sources`: upload, list, read, rename and describe, delete,
//! preview, profile and suggested questions.

use crate::auth::CurrentUser;
use crate::cache::{insights_key, preview_key, INSIGHTS_TTL, PREVIEW_TTL};
use crate::error::{not_found, ApiError, ApiResult, Json, Path, Query};
use crate::limits::{RateLimit, Uploads};
use crate::sources;
use crate::state::AppState;
use crate::tables;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::{ColumnMeta, DataSourceId, DataSourceName, Profile, SourceSchema};
use engine::insights::InsightReport;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use store::{DataSource, DataSourceUpdate, Page, Paged};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sources))
        // Uploads stream under their own size cap instead of the JSON body limit.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(upload))
                .routes(routes!(replace_upload))
                .layer(DefaultBodyLimit::disable()),
        )
        .routes(routes!(get_source, update_source, delete_source))
        .routes(routes!(preview))
        .routes(routes!(profile))
        .routes(routes!(suggestions))
        .routes(routes!(insights))
        .routes(routes!(narrate_insights))
}

/// A data source as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DataSourceView {
    #[schema(value_type = String, format = Uuid)]
    pub id: DataSourceId,
    pub name: String,
    pub description: Option<String>,
    /// `csv`, `google_sheets`, `api` or `database`.
    #[serde(rename = "type")]
    pub source_type: domain::SourceType,
    pub status: domain::SourceStatus,
    pub status_message: Option<String>,
    pub row_count: i64,
    /// Size of the uploaded file in bytes.
    pub file_size: i64,
    /// Bytes kept on storage (original and snapshot).
    pub storage_bytes: i64,
    /// Columns: name, SQL name, type, statistics, description and synonyms
    /// (the value index is left out of listings).
    pub columns_info: Vec<ColumnMeta>,
    /// The name to use for this source in SQL (it is also available as `data`).
    pub table_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Whether questions sent to the language model may include distinct
    /// values of low-cardinality columns (off until you allow it).
    pub share_sample_values: bool,
    /// How a connected source is reached (`kind` and its settings), secrets masked.
    #[schema(value_type = Option<Object>)]
    pub connection: Option<Value>,
    /// Minutes between scheduled syncs; `null`: only on request.
    pub sync_interval_minutes: Option<i64>,
    /// What the last successful sync changed.
    pub last_sync: Option<domain::SyncReport>,
    /// Bumped by every new snapshot (a sync), so cached answers are recomputed.
    pub version: i64,
}

impl DataSourceView {
    fn new(source: DataSource, table_name: String) -> Self {
        Self {
            id: source.id,
            name: source.name,
            description: source.description,
            source_type: source.source_type,
            status: source.status,
            status_message: source.status_message,
            row_count: source.row_count,
            file_size: source.file_size,
            storage_bytes: source.storage_bytes,
            columns_info: source.columns_info.0.without_values().columns,
            table_name,
            created_at: source.created_at,
            updated_at: source.updated_at,
            last_synced_at: source.last_synced_at,
            share_sample_values: source.share_sample_values,
            connection: crate::connections::shown(source.connection_info.as_ref().map(|j| &j.0)),
            sync_interval_minutes: source.sync_interval_minutes,
            last_sync: source.sync_report.map(|r| r.0),
            version: source.version,
        }
    }
}

/// The caller's data source `id`; another user's is a 404.
pub(crate) async fn owned_source(
    state: &AppState,
    user: &CurrentUser,
    id: DataSourceId,
) -> ApiResult<DataSource> {
    state
        .store
        .get_data_source(user.id(), id)
        .await
        .map_err(not_found("data source"))
}

/// Views for some of a user's sources, with table names computed over all of them.
async fn views(
    state: &AppState,
    user: &CurrentUser,
    items: Vec<DataSource>,
) -> ApiResult<Vec<DataSourceView>> {
    let all = state.store.list_source_tables(user.id()).await?;
    let names = tables::table_names(&all);
    Ok(items
        .into_iter()
        .map(|s| {
            let table = names
                .iter()
                .find(|(id, _)| *id == s.id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| tables::sql_identifier(&s.name));
            DataSourceView::new(s, table)
        })
        .collect())
}

pub(crate) async fn view(
    state: &AppState,
    user: &CurrentUser,
    source: DataSource,
) -> ApiResult<DataSourceView> {
    Ok(views(state, user, vec![source]).await?.remove(0))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Items per page (default 20, at most 100).
    pub page_size: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DataSourcePage {
    pub items: Vec<DataSourceView>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// Lists the caller's data sources, newest first.
#[utoipa::path(get, path = "/api/v1/data-sources", tag = "data sources", params(PageParams),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = DataSourcePage)))]
async fn list_sources(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<DataSourcePage>> {
    let Paged {
        items,
        total,
        page,
        page_size,
    } = state
        .store
        .list_data_sources(user.id(), Page::new(params.page, params.page_size))
        .await?;
    let items = views(&state, &user, items).await?;
    Ok(Json(DataSourcePage {
        items,
        total,
        page,
        page_size,
    }))
}

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// `.csv`, `.tsv`, `.txt` (delimited text), `.xlsx` or `.json`.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Display name (default: the file name).
    name: Option<String>,
    /// XLSX sheet to read (default: the first).
    sheet: Option<String>,
}

/// Uploads a file and creates a data source from it.
///
/// The file is streamed to disk with the size cap enforced while streaming,
/// typed, stored as a Parquet snapshot and profiled. Any failure leaves nothing behind.
#[utoipa::path(post, path = "/api/v1/data-sources/upload-csv", tag = "data sources",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = DataSourceView), (status = 413, description = "file or quota too large"),
        (status = 415, description = "not a supported file"), (status = 422, description = "the file cannot be read")))]
async fn upload(
    State(state): State<AppState>,
    _limit: RateLimit<Uploads>,
    user: CurrentUser,
    multipart: Multipart,
) -> ApiResult<(StatusCode, Json<DataSourceView>)> {
    let temp_dir = state.settings.data_dir.join("uploads/temp");
    let received =
        super::upload::receive_upload(multipart, &temp_dir, state.settings.max_upload_bytes)
            .await?;
    let source = sources::create_from_upload(&state, user.id(), received).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state, &user, source).await?),
    ))
}

/// Replaces an uploaded source's data with a new file: typed, profiled and
/// swapped in at once (a new version, so cached answers are recomputed; the
/// drift against the old file in `last_sync`; column notes kept). A file that
/// cannot be read leaves the source as it was.
#[utoipa::path(post, path = "/api/v1/data-sources/{id}/upload", tag = "data sources",
    params(("id" = String, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = DataSourceView), (status = 404),
        (status = 409, description = "a connected source: sync it instead"),
        (status = 413, description = "file or quota too large"),
        (status = 415, description = "not a supported file"), (status = 422, description = "the file cannot be read")))]
async fn replace_upload(
    State(state): State<AppState>,
    _limit: RateLimit<Uploads>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
    multipart: Multipart,
) -> ApiResult<Json<DataSourceView>> {
    let source = owned_source(&state, &user, id).await?;
    let temp_dir = state.settings.data_dir.join("uploads/temp");
    let received =
        super::upload::receive_upload(multipart, &temp_dir, state.settings.max_upload_bytes)
            .await?;
    let replaced = sources::replace_upload(&state, source, received).await?;
    Ok(Json(view(&state, &user, replaced).await?))
}

/// One data source.
#[utoipa::path(get, path = "/api/v1/data-sources/{id}", tag = "data sources",
    params(("id" = String, Path, description = "data source id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = DataSourceView), (status = 404)))]
async fn get_source(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
) -> ApiResult<Json<DataSourceView>> {
    let source = owned_source(&state, &user, id).await?;
    Ok(Json(view(&state, &user, source).await?))
}

/// A column's user-written description and synonyms (used by the question engine).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ColumnNotes {
    pub name: String,
    pub description: Option<String>,
    pub synonyms: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateSource {
    pub name: Option<String>,
    pub description: Option<String>,
    pub columns: Option<Vec<ColumnNotes>>,
    /// Allow (or stop) sending distinct values of low-cardinality columns to the language model.
    pub share_sample_values: Option<bool>,
    /// Sync a connected source every this many minutes (5 to 10,080); 0 turns the schedule off.
    pub sync_interval_minutes: Option<i64>,
}

/// Renames a data source, sets its description, annotates its columns, or
/// allows sample values in language-model prompts.
#[utoipa::path(put, path = "/api/v1/data-sources/{id}", tag = "data sources",
    params(("id" = String, Path)), request_body = UpdateSource, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = DataSourceView), (status = 404), (status = 422)))]
async fn update_source(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
    Json(body): Json<UpdateSource>,
) -> ApiResult<Json<DataSourceView>> {
    let current = owned_source(&state, &user, id).await?;
    let name = body
        .name
        .as_deref()
        .map(DataSourceName::parse)
        .transpose()?
        .map(DataSourceName::into_inner);
    let description = match body.description {
        Some(d) if d.chars().count() > 2000 => {
            return Err(ApiError::unprocessable(
                "invalid_length",
                "description must be at most 2000 characters",
            ))
        }
        other => other,
    };
    let columns_info = match body.columns {
        Some(notes) => Some(annotate_columns(current.columns_info.0.clone(), notes)?),
        None => None,
    };
    let sync_interval_minutes = body
        .sync_interval_minutes
        .map(|minutes| crate::sync::check_interval(current.source_type, minutes))
        .transpose()?;
    let updated = state
        .store
        .update_data_source(
            user.id(),
            id,
            DataSourceUpdate {
                name,
                description,
                columns_info,
                share_sample_values: body.share_sample_values,
                sync_interval_minutes,
                ..Default::default()
            },
        )
        .await
        .map_err(not_found("data source"))?;
    Ok(Json(view(&state, &user, updated).await?))
}

/// Most synonyms kept per column, and the longest one.
const MAX_SYNONYMS: usize = 50;
const MAX_SYNONYM_CHARS: usize = 100;

fn annotate_columns(mut schema: SourceSchema, notes: Vec<ColumnNotes>) -> ApiResult<SourceSchema> {
    for note in notes {
        let known = || {
            let names: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
            names.join(", ")
        };
        let Some(index) = schema.columns.iter().position(|c| c.name == note.name) else {
            return Err(ApiError::unprocessable(
                "unknown_column",
                format!("no column named `{}`; columns are: {}", note.name, known()),
            ));
        };
        let column = &mut schema.columns[index];
        if let Some(description) = note.description {
            column.description = Some(description.trim().to_string());
        }
        if let Some(synonyms) = note.synonyms {
            column.synonyms = synonyms
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && s.chars().count() <= MAX_SYNONYM_CHARS)
                .take(MAX_SYNONYMS)
                .collect();
        }
    }
    Ok(schema)
}

/// Deletes a data source and its files. Its query history stays, detached.
#[utoipa::path(delete, path = "/api/v1/data-sources/{id}", tag = "data sources",
    params(("id" = String, Path)), security(("bearer" = []), ("api_key" = [])),
    responses((status = 204), (status = 404)))]
async fn delete_source(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
) -> ApiResult<StatusCode> {
    let source = owned_source(&state, &user, id).await?;
    state
        .store
        .delete_data_source(user.id(), id)
        .await
        .map_err(not_found("data source"))?;
    sources::remove_files(&state, &source).await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PreviewParams {
    /// First row (default 0).
    pub offset: Option<u64>,
    /// Rows to return (default 50, at most 1000).
    pub limit: Option<u64>,
}

/// A page of a data source's rows with its column types.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Preview {
    pub columns: Vec<engine::ResultColumn>,
    #[schema(value_type = Vec<Vec<engine::Cell>>)]
    pub rows: Vec<Vec<Value>>,
    pub total_rows: u64,
    pub offset: u64,
    pub limit: u64,
    pub cached: bool,
}

/// The first rows of a data source (paged with offset/limit; cached for an hour).
#[utoipa::path(get, path = "/api/v1/data-sources/{id}/preview", tag = "data sources",
    params(("id" = String, Path), PreviewParams), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Preview), (status = 404)))]
async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
    Query(params): Query<PreviewParams>,
) -> ApiResult<Json<Preview>> {
    let source = owned_source(&state, &user, id).await?;
    let offset = params.offset.unwrap_or(0);
    let limit = params.limit.unwrap_or(50).clamp(1, 1000);
    let key = preview_key(
        &id.to_string(),
        source.version,
        offset as usize,
        limit as usize,
    );
    if let Some(bytes) = state.cache.get(&key).await {
        if let Ok(mut cached) = serde_json::from_slice::<Preview>(&bytes) {
            cached.cached = true;
            return Ok(Json(cached));
        }
    }
    let snapshot = source
        .file_path
        .as_deref()
        .ok_or(ApiError::NotFound("data snapshot"))?;
    let path = crate::querying::snapshot_path(&state, snapshot).await?;
    let page = state.sandbox.preview(&path, offset, limit).await?;
    let preview = Preview {
        columns: page.columns,
        rows: page.rows,
        total_rows: page.row_count,
        offset,
        limit,
        cached: false,
    };
    if let Ok(bytes) = serde_json::to_vec(&preview) {
        state.cache.set(&key, Arc::from(bytes), PREVIEW_TTL).await;
    }
    Ok(Json(preview))
}

/// Per-column statistics: types, nulls, distinct counts, ranges, quantiles,
/// top values, histograms and quality flags.
#[utoipa::path(get, path = "/api/v1/data-sources/{id}/profile", tag = "data sources",
    params(("id" = String, Path)), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Profile), (status = 404)))]
async fn profile(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
) -> ApiResult<Json<Profile>> {
    let source = owned_source(&state, &user, id).await?;
    let profile = source
        .profile
        .map(|p| p.0)
        .ok_or(ApiError::NotFound("profile"))?;
    Ok(Json(profile))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    pub questions: Vec<String>,
}

/// Example questions built from the data source's columns.
#[utoipa::path(get, path = "/api/v1/data-sources/{id}/suggestions", tag = "data sources",
    params(("id" = String, Path)), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Suggestions), (status = 404)))]
async fn suggestions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
) -> ApiResult<Json<Suggestions>> {
    let source = owned_source(&state, &user, id).await?;
    let schema = crate::nl::schema_for(&source, "data");
    Ok(Json(Suggestions {
        questions: nlq::suggest_questions(&schema),
    }))
}

/// Ranked automatic findings: trends, outliers, anomalies, concentration,
/// correlations, segment differences and data quality, each with the numbers
/// behind it, the SQL that reproduces it and a suggested chart. Cached per
/// snapshot version; large tables are analysed on a deterministic sample.
#[utoipa::path(get, path = "/api/v1/data-sources/{id}/insights", tag = "data sources",
    params(("id" = String, Path)), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = InsightReport), (status = 404)))]
async fn insights(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
) -> ApiResult<Json<InsightReport>> {
    let source = owned_source(&state, &user, id).await?;
    Ok(Json(load_insights(&state, &source).await?))
}

/// The insights report of the source's current snapshot, computed once per version.
async fn load_insights(state: &AppState, source: &DataSource) -> ApiResult<InsightReport> {
    let key = insights_key(&source.id.to_string(), source.version);
    if let Some(bytes) = state.cache.get(&key).await {
        if let Ok(cached) = serde_json::from_slice::<InsightReport>(&bytes) {
            return Ok(cached);
        }
    }
    let snapshot = source
        .file_path
        .as_deref()
        .ok_or(ApiError::NotFound("data snapshot"))?;
    let path = crate::querying::snapshot_path(state, snapshot).await?;
    let columns: Vec<engine::insights::InsightColumn> = source
        .columns_info
        .0
        .columns
        .iter()
        .map(Into::into)
        .collect();
    let report =
        engine::insights::find_insights(&state.sandbox, &path, &columns, &Default::default())
            .await?;
    if let Ok(bytes) = serde_json::to_vec(&report) {
        state.cache.set(&key, Arc::from(bytes), INSIGHTS_TTL).await;
    }
    Ok(report)
}

/// A short summary of the insights written by the language model, in which
/// every number is one of the computed findings' (otherwise it is dropped,
/// `status: dropped`). Sends the findings — titles can name values such as
/// the top product — to the configured model; cached per snapshot version.
#[utoipa::path(post, path = "/api/v1/data-sources/{id}/insights/narration", tag = "data sources",
    params(("id" = String, Path)), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::narration::Narration), (status = 404),
        (status = 422, description = "no language model is configured (`llm_not_configured`)"),
        (status = 429, description = "the daily AI token allowance is used up"),
        (status = 503, description = "the language model did not answer (`llm_unavailable`)")))]
async fn narrate_insights(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DataSourceId>,
) -> ApiResult<Json<crate::narration::Narration>> {
    let source = owned_source(&state, &user, id).await?;
    // Refused before the (possibly slow) analysis when no model is configured.
    if state.llm.is_none() {
        return Err(crate::nl::AskError::LlmNotConfigured.into());
    }
    let report = load_insights(&state, &source).await?;
    Ok(Json(
        crate::narration::narrate(&state, (&user).into(), &source, &report).await?,
    ))
}
