//! Data sources: an upload (already received into a temporary file) turned
//! into a Parquet snapshot with its schema and profile, stored, and recorded;
//! removing a source's files.

use crate::state::AppState;
use domain::{
    DataSourceId, DataSourceName, Profile, SourceSchema, SourceStatus, SourceType, UserId,
    ValidationError,
};
use serde_json::json;
use std::path::Path;
use store::{DataSource, NewDataSource, Page, StoreError};

/// Why a data source could not be made. Mapped to HTTP in `crate::error`.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Name(#[from] ValidationError),
    #[error(
        "this upload would exceed your storage quota of {limit} bytes; delete a data source first"
    )]
    QuotaExceeded { limit: u64 },
    /// Reading, profiling or storing the file failed (an unreadable file is the user's to fix).
    #[error(transparent)]
    Ingest(#[from] engine::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reaching a connected source failed (the message says what to change).
    #[error(transparent)]
    Connector(#[from] connectors::ConnectorError),
    #[error("uploaded files are not synced; upload the new file to replace this source's data")]
    NotConnected,
    #[error("this source is connected, not uploaded; sync it to read its data again")]
    NotAnUpload,
    #[error(transparent)]
    SecretUnreadable(#[from] crate::vault::Unreadable),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// An upload received into a temporary file. The file is removed on drop
/// unless it was moved into storage.
pub struct ReceivedUpload {
    pub file_name: String,
    pub name: Option<String>,
    pub sheet: Option<String>,
    pub temp: tempfile::TempPath,
    pub size: u64,
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
) -> Result<DataSource, SourceError> {
    let display_name = upload
        .name
        .clone()
        .unwrap_or_else(|| file_stem(&upload.file_name));
    let name = DataSourceName::parse(&display_name)?;

    let stats = state.store.user_stats(user, chrono::Utc::now()).await?;
    let limit = state.settings.storage_limit_bytes;
    if (stats.storage_used_bytes.max(0) as u64).saturating_add(upload.size) > limit {
        return Err(SourceError::QuotaExceeded { limit });
    }

    let temp_dir = state.settings.data_dir.join("uploads/temp");
    let snapshot_temp = tempfile::Builder::new()
        .prefix("snapshot-")
        .suffix(".parquet")
        .tempfile_in(&temp_dir)?
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
            columns_info: ingested.schema,
            profile: Some(ingested.profile),
        })
        .await?;
    stored.keep();
    Ok(created)
}

/// A new upload in place of an uploaded source's file, swapped in like a sync:
/// new snapshot and original under new keys, one row update (a new version, the
/// drift report, column notes kept), then the old files go. A failure leaves
/// the source as it was.
pub async fn replace_upload(
    state: &AppState,
    source: DataSource,
    upload: ReceivedUpload,
) -> Result<DataSource, SourceError> {
    if source.source_type != SourceType::Csv {
        return Err(SourceError::NotAnUpload);
    }
    let started = std::time::Instant::now();
    let user = source.user_id;
    let stats = state.store.user_stats(user, chrono::Utc::now()).await?;
    let limit = state.settings.storage_limit_bytes;
    let others = (stats.storage_used_bytes - source.storage_bytes).max(0) as u64;
    if others.saturating_add(upload.size) > limit {
        return Err(SourceError::QuotaExceeded { limit });
    }
    let temp_dir = state.settings.data_dir.join("uploads/temp");
    let snapshot_temp = tempfile::Builder::new()
        .prefix("snapshot-")
        .suffix(".parquet")
        .tempfile_in(&temp_dir)?
        .into_temp_path();
    let ingested = ingest(
        &state.sandbox,
        &upload.temp,
        &upload.file_name,
        upload.sheet.clone(),
        &snapshot_temp,
    )
    .await?;
    // A fresh suffix, so two replacements at once never write the same keys.
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..12];
    let snapshot = format!("processed/{user}/{}.{suffix}.parquet", source.id);
    let original = format!(
        "uploads/csv/{user}/{}.{suffix}.{}",
        source.id,
        extension_of(&upload.file_name)
    );
    let stored = StoredFiles::new(
        state.storage.clone(),
        vec![snapshot.clone(), original.clone()],
    );
    let snapshot_size = state.storage.put_file(&snapshot, &snapshot_temp).await?;
    state.storage.put_file(&original, &upload.temp).await?;
    let (schema, drift) = crate::sync::successor(&source.columns_info.0, ingested.schema);
    let report = domain::SyncReport {
        finished_at: chrono::Utc::now().to_rfc3339(),
        rows_before: u64::try_from(source.row_count).unwrap_or(0),
        rows_after: ingested.row_count,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        drift,
    };
    let updated = state
        .store
        .update_data_source(
            user,
            source.id,
            store::DataSourceUpdate {
                status: Some(SourceStatus::Connected),
                columns_info: Some(schema),
                profile: Some(ingested.profile),
                row_count: Some(i64::try_from(ingested.row_count).unwrap_or(i64::MAX)),
                file_size: Some(i64::try_from(upload.size).unwrap_or(i64::MAX)),
                storage_bytes: Some(i64::try_from(upload.size + snapshot_size).unwrap_or(i64::MAX)),
                last_synced_at: Some(chrono::Utc::now()),
                file_path: Some(snapshot.clone()),
                original_path: Some(original.clone()),
                connection_info: Some(json!({ "file_name": upload.file_name })),
                sync_report: Some(report),
                bump_version: true,
                ..Default::default()
            },
        )
        .await?;
    stored.keep();
    if let Some(old) = source.file_path.as_deref().filter(|k| *k != snapshot) {
        crate::querying::forget_snapshot(state, old);
    }
    for old in [source.file_path, source.original_path]
        .into_iter()
        .flatten()
    {
        if old != snapshot && old != original {
            if let Err(err) = state.storage.delete(&old).await {
                tracing::warn!(%err, key = old, "could not remove a replaced file");
            }
        }
    }
    Ok(updated)
}

/// A connected source (Sheets, REST API, database) fetched into its first
/// snapshot and recorded, like an upload: nothing is left behind on failure.
pub async fn create_connected(
    state: &AppState,
    user: UserId,
    name: Option<String>,
    description: Option<String>,
    connection: crate::connections::Connection,
) -> Result<DataSource, SourceError> {
    let display_name = name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| connection.default_name());
    let name = DataSourceName::parse(&display_name)?;
    let temp_dir = state.settings.data_dir.join("uploads/temp");
    std::fs::create_dir_all(&temp_dir)?;
    let snapshot_temp = tempfile::Builder::new()
        .prefix("snapshot-")
        .suffix(".parquet")
        .tempfile_in(&temp_dir)?
        .into_temp_path();
    let fetched = crate::connections::fetch(
        state,
        &connection,
        crate::connections::Extent::Full,
        &snapshot_temp,
    )
    .await?;
    let size = std::fs::metadata(&snapshot_temp)?.len();
    let stats = state.store.user_stats(user, chrono::Utc::now()).await?;
    let limit = state.settings.storage_limit_bytes;
    if (stats.storage_used_bytes.max(0) as u64).saturating_add(size) > limit {
        return Err(SourceError::QuotaExceeded { limit });
    }
    let id = DataSourceId::new();
    let snapshot = snapshot_key(user, id);
    let stored = StoredFiles {
        storage: state.storage.clone(),
        keys: vec![snapshot.clone()],
        keep: false,
    };
    let snapshot_size = state.storage.put_file(&snapshot, &snapshot_temp).await?;
    let created = state
        .store
        .create_data_source(NewDataSource {
            id,
            user_id: user,
            name: name.into_inner(),
            description,
            source_type: connection.source_type(),
            status: SourceStatus::Connected,
            file_path: Some(snapshot),
            original_path: None,
            connection_info: Some(connection.stored(&state.vault, user)),
            row_count: i64::try_from(fetched.ingested.row_count).unwrap_or(i64::MAX),
            file_size: i64::try_from(snapshot_size).unwrap_or(i64::MAX),
            storage_bytes: i64::try_from(snapshot_size).unwrap_or(i64::MAX),
            columns_info: fetched.ingested.schema,
            profile: Some(fetched.ingested.profile),
        })
        .await?;
    stored.keep();
    match fetched.truncated {
        // A limit cut the read short: say so on the source.
        Some(note) => Ok(state
            .store
            .update_data_source(
                user,
                created.id,
                store::DataSourceUpdate {
                    status: Some(SourceStatus::Connected),
                    status_message: Some(note),
                    ..Default::default()
                },
            )
            .await?),
        None => Ok(created),
    }
}

/// A file turned into a Parquet snapshot, with its schema and profile.
pub struct Ingested {
    pub row_count: u64,
    pub schema: SourceSchema,
    pub profile: Profile,
}

/// Reads `src` (named `file_name` by the user) into a Parquet snapshot at
/// `snapshot` (parsing on a blocking thread) and profiles it in the sandbox.
pub async fn ingest(
    sandbox: &engine::Sandbox,
    src: &Path,
    file_name: &str,
    sheet: Option<String>,
    snapshot: &Path,
) -> Result<Ingested, SourceError> {
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
    .map_err(std::io::Error::other)??;
    let mut profile = sandbox.profile(snapshot).await?;
    let schema = engine::source_schema(&report.columns, &mut profile);
    Ok(Ingested {
        row_count: report.row_count,
        schema,
        profile,
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

/// Removes temporary files (uploads, snapshots and fetches in flight) that a
/// stopped server left, once they are older than `older_than`: younger ones may
/// belong to another server on the same data directory.
pub fn sweep_temp(data_dir: &Path, older_than: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(data_dir.join("uploads/temp")) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= older_than);
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(removed, "removed temporary files left by a stopped server");
    }
    removed
}

/// Every data source of `user` (for registering tables in a query session).
pub async fn all_sources(state: &AppState, user: UserId) -> Result<Vec<DataSource>, StoreError> {
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
pub(crate) struct StoredFiles {
    storage: engine::storage::Storage,
    keys: Vec<String>,
    keep: bool,
}

impl StoredFiles {
    pub(crate) fn new(storage: engine::storage::Storage, keys: Vec<String>) -> Self {
        StoredFiles {
            storage,
            keys,
            keep: false,
        }
    }

    pub(crate) fn keep(mut self) {
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
    fn only_old_temporary_files_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().join("uploads/temp");
        std::fs::create_dir_all(&temp).unwrap();
        std::fs::write(temp.join("upload-1"), b"x").unwrap();
        assert_eq!(
            sweep_temp(dir.path(), std::time::Duration::from_secs(3600)),
            0,
            "in flight"
        );
        assert_eq!(sweep_temp(dir.path(), std::time::Duration::ZERO), 1);
        assert_eq!(std::fs::read_dir(&temp).unwrap().count(), 0);
    }
}
