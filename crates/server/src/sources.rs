//! Data sources: receiving an upload (streamed to a temp file under the size
//! cap), turning it into a Parquet snapshot with a profile, and the records
//! and SQL table names handlers and the query path need.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::Multipart;
use domain::{DataSourceId, DataSourceName, SourceStatus, SourceType, UserId};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;
use store::{DataSource, NewDataSource, Page, SourceTable};
use tokio::io::AsyncWriteExt;

/// An upload received into a temporary file. The file is removed on drop
/// unless it was moved into storage.
pub struct ReceivedUpload {
    pub file_name: String,
    pub name: Option<String>,
    pub sheet: Option<String>,
    pub temp: tempfile::TempPath,
    pub size: u64,
}

/// Streams the multipart `file` field to a temp file, refusing it with 413 as
/// soon as it passes `max_bytes` (it is never held in memory).
pub async fn receive_upload(
    mut multipart: Multipart,
    temp_dir: &Path,
    max_bytes: u64,
) -> ApiResult<ReceivedUpload> {
    tokio::fs::create_dir_all(temp_dir)
        .await
        .map_err(ApiError::internal)?;
    let mut file: Option<(String, tempfile::TempPath, u64)> = None;
    let mut name = None;
    let mut sheet = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                let file_name = field.file_name().unwrap_or("upload.csv").to_string();
                let temp = tempfile::Builder::new()
                    .prefix("upload-")
                    .tempfile_in(temp_dir)
                    .map_err(ApiError::internal)?
                    .into_temp_path();
                let mut out = tokio::fs::File::create(&temp)
                    .await
                    .map_err(ApiError::internal)?;
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    size += chunk.len() as u64;
                    if size > max_bytes {
                        return Err(too_large(max_bytes));
                    }
                    out.write_all(&chunk).await.map_err(ApiError::internal)?;
                }
                out.flush().await.map_err(ApiError::internal)?;
                file = Some((file_name, temp, size));
            }
            Some("name") => name = Some(field.text().await.map_err(multipart_error)?),
            Some("sheet") => sheet = Some(field.text().await.map_err(multipart_error)?),
            _ => {}
        }
    }
    let Some((file_name, temp, size)) = file else {
        return Err(ApiError::unprocessable(
            "missing_file",
            "send the file as a multipart form field named `file`",
        ));
    };
    Ok(ReceivedUpload {
        file_name,
        name: name.filter(|n| !n.trim().is_empty()),
        sheet: sheet.filter(|s| !s.trim().is_empty()),
        temp,
        size,
    })
}

fn too_large(max_bytes: u64) -> ApiError {
    ApiError::PayloadTooLarge {
        code: "file_too_large",
        message: format!(
            "the file is larger than the {} MB upload limit; split it or raise INSIGHTIQ_MAX_UPLOAD_MB",
            max_bytes / (1024 * 1024)
        ),
    }
}

fn multipart_error(err: axum::extract::multipart::MultipartError) -> ApiError {
    if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge {
            code: "file_too_large",
            message: "the upload is larger than the limit".into(),
        };
    }
    ApiError::bad_request(
        "invalid_multipart",
        format!(
            "the upload is not a valid multipart form: {}",
            err.body_text()
        ),
    )
}

/// Storage keys of a data source's files, relative to the data directory
/// (SPEC "Files").
pub fn snapshot_key(user: UserId, id: DataSourceId) -> String {
    format!("processed/{user}/{id}.parquet")
}

pub fn original_key(user: UserId, file_id: DataSourceId, extension: &str) -> String {
    format!("uploads/csv/{user}/{file_id}.{extension}")
}

/// Ingests an upload into a new data source: typed Parquet snapshot and
/// profile first, then both files into storage, and the metadata row last.
/// Any failure removes what was written, so a half-made source never appears.
pub async fn create_from_upload(
    state: &AppState,
    user: UserId,
    upload: ReceivedUpload,
) -> ApiResult<DataSource> {
    let display_name = upload
        .name
        .clone()
        .unwrap_or_else(|| file_stem(&upload.file_name));
    let name = DataSourceName::parse(&display_name)?;

    let stats = state.store.user_stats(user, chrono::Utc::now()).await?;
    let limit = state.settings.storage_limit_bytes;
    if (stats.storage_used_bytes.max(0) as u64).saturating_add(upload.size) > limit {
        return Err(ApiError::PayloadTooLarge {
            code: "storage_quota_exceeded",
            message: format!(
                "this upload would exceed your storage quota of {limit} bytes; delete a data source first"
            ),
        });
    }

    let temp_dir = state.settings.data_dir.join("uploads/temp");
    let snapshot_temp = tempfile::Builder::new()
        .prefix("snapshot-")
        .suffix(".parquet")
        .tempfile_in(&temp_dir)
        .map_err(ApiError::internal)?
        .into_temp_path();
    let ingested = ingest(
        &state.sandbox,
        &upload.temp,
        &upload.file_name,
        upload.sheet.clone(),
        &snapshot_temp,
    )
    .await?;

    let id = DataSourceId::new();
    let snapshot = snapshot_key(user, id);
    let original = original_key(user, id, &extension_of(&upload.file_name));
    let stored = StoredFiles {
        storage: state.storage.clone(),
        keys: vec![snapshot.clone(), original.clone()],
        keep: false,
    };
    let snapshot_size = state.storage.put_file(&snapshot, &snapshot_temp).await?;
    state.storage.put_file(&original, &upload.temp).await?;

    let columns_info = columns_info(&ingested.columns, &ingested.profile, &Value::Null);
    let created = state
        .store
        .create_data_source(NewDataSource {
            id,
            user_id: user,
            name: name.into_inner(),
            description: None,
            source_type: SourceType::Csv,
            status: SourceStatus::Connected,
            file_path: Some(snapshot),
            original_path: Some(original),
            connection_info: Some(json!({ "file_name": upload.file_name })),
            row_count: i64::try_from(ingested.row_count).unwrap_or(i64::MAX),
            file_size: i64::try_from(upload.size).unwrap_or(i64::MAX),
            storage_bytes: i64::try_from(upload.size + snapshot_size).unwrap_or(i64::MAX),
            columns_info,
            profile: Some(ingested.profile),
        })
        .await?;
    stored.keep();
    Ok(created)
}

/// A file turned into a Parquet snapshot, with its columns and profile.
pub struct Ingested {
    pub row_count: u64,
    pub columns: Vec<engine::ColumnInfo>,
    pub profile: Value,
}

/// Reads `src` (named `file_name` by the user) into a Parquet snapshot at
/// `snapshot` (parsing on a blocking thread) and profiles it in the sandbox.
pub async fn ingest(
    sandbox: &engine::Sandbox,
    src: &Path,
    file_name: &str,
    sheet: Option<String>,
    snapshot: &Path,
) -> ApiResult<Ingested> {
    let (src_path, name, out) = (
        src.to_path_buf(),
        file_name.to_string(),
        snapshot.to_path_buf(),
    );
    let report = tokio::task::spawn_blocking(move || {
        let options = engine::IngestOptions {
            sheet,
            ..Default::default()
        };
        engine::ingest_file(&src_path, &name, &options, &out)
    })
    .await
    .map_err(ApiError::internal)??;
    let profile = sandbox.profile(snapshot).await?;
    Ok(Ingested {
        row_count: report.row_count,
        columns: report.columns,
        profile: serde_json::to_value(profile).map_err(ApiError::internal)?,
    })
}

/// Removes a data source's files (after its row is gone).
pub async fn remove_files(state: &AppState, source: &DataSource) {
    if let Some(snapshot) = &source.file_path {
        crate::querying::forget_snapshot(state, snapshot);
    }
    for key in [&source.file_path, &source.original_path]
        .into_iter()
        .flatten()
    {
        if let Err(err) = state.storage.delete(key).await {
            tracing::warn!(%err, key, "could not remove a data-source file");
        }
    }
}

/// `columns_info` for the API: name, SQL name, type and the main statistics,
/// plus the user's descriptions and synonyms (kept across re-profiling).
pub fn columns_info(
    columns: &[engine::types::ColumnInfo],
    profile: &Value,
    previous: &Value,
) -> Value {
    let profiled = profile.get("columns").and_then(Value::as_array);
    let items: Vec<Value> = columns
        .iter()
        .map(|c| {
            let stats = profiled
                .and_then(|p| {
                    p.iter()
                        .find(|pc| pc.get("name").and_then(Value::as_str) == Some(&c.sql_name))
                })
                .cloned()
                .unwrap_or(Value::Null);
            let old = previous
                .as_array()
                .and_then(|p| p.iter().find(|o| o["name"] == c.name.as_str()))
                .cloned()
                .unwrap_or(Value::Null);
            json!({
                "name": c.name,
                "sql_name": c.sql_name,
                "type": c.column_type,
                "nullable": c.nullable,
                "null_count": c.null_count,
                "distinct_count": stats.get("distinct_count").cloned().unwrap_or(Value::Null),
                "min": stats.get("min").cloned().unwrap_or(Value::Null),
                "max": stats.get("max").cloned().unwrap_or(Value::Null),
                "mean": stats.get("mean").cloned().unwrap_or(Value::Null),
                "date_order": c.date_order,
                "number_format": c.number_format,
                "description": old.get("description").cloned().unwrap_or(Value::Null),
                "synonyms": old.get("synonyms").cloned().unwrap_or_else(|| json!([])),
            })
        })
        .collect();
    Value::Array(items)
}

/// Every data source of `user` (for registering tables in a query session).
pub async fn all_sources(state: &AppState, user: UserId) -> ApiResult<Vec<DataSource>> {
    let mut page = Page::new(Some(1), Some(Page::MAX_SIZE));
    let mut all = Vec::new();
    loop {
        let batch = state.store.list_data_sources(user, page).await?;
        let done = batch.items.len() < page.page_size as usize;
        all.extend(batch.items);
        if done {
            return Ok(all);
        }
        page.page += 1;
    }
}

/// SQL table names for a user's sources: the name made SQL-safe, unique per
/// user (oldest source keeps the plain name).
pub fn table_names(sources: &[SourceTable]) -> Vec<(DataSourceId, String)> {
    let mut ordered: Vec<&SourceTable> = sources.iter().collect();
    ordered.sort_by_key(|s| (s.created_at, s.id));
    let mut taken: HashSet<String> = HashSet::from(["data".to_string()]);
    ordered
        .into_iter()
        .map(|s| {
            let base = sql_identifier(&s.name);
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            (s.id, name)
        })
        .collect()
}

/// Lowercase ASCII letters, digits and `_`, not starting with a digit.
pub fn sql_identifier(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    match out.chars().next() {
        None => "table".to_string(),
        Some(c) if c.is_ascii_digit() => format!("t_{out}"),
        _ => out,
    }
}

fn file_stem(file_name: &str) -> String {
    Path::new(file_name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("upload")
        .to_string()
}

fn extension_of(file_name: &str) -> String {
    Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()) && e.len() <= 8)
        .unwrap_or_else(|| "bin".to_string())
}

/// Files stored for a data source that is not yet recorded: deleted on drop
/// unless `keep` is called, so a failed upload leaves nothing behind.
struct StoredFiles {
    storage: engine::storage::Storage,
    keys: Vec<String>,
    keep: bool,
}

impl StoredFiles {
    fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for StoredFiles {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        let storage = self.storage.clone();
        let keys = std::mem::take(&mut self.keys);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                for key in keys {
                    if let Err(err) = storage.delete(&key).await {
                        tracing::warn!(%err, key, "could not remove a file of a failed upload");
                    }
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_sql_safe() {
        assert_eq!(
            sql_identifier("Supermarket Sales (2019)"),
            "supermarket_sales_2019"
        );
        assert_eq!(sql_identifier("2024 orders"), "t_2024_orders");
        assert_eq!(sql_identifier("  ***  "), "table");
        assert_eq!(sql_identifier("Ventes d'été"), "ventes_d_t");
    }
}
