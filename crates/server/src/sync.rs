//! Syncing a connected source: a new snapshot fetched in the background and
//! swapped in by one row update (the previous one answers until then, and stays
//! when the sync fails), under a lease in the metadata store so that one server
//! at a time syncs a source; a scheduler runs due syncs and picks up syncs that
//! a stopped server left behind once their lease runs out.

use crate::connections::{self, Connection, Extent};
use crate::error::ApiError;
use crate::sources::{SourceError, StoredFiles};
use crate::state::AppState;
use chrono::Utc;
use domain::{DataSourceId, SchemaDrift, SourceStatus, SourceType, SyncReport, UserId};
use std::time::{Duration, Instant};
use store::{DataSource, DataSourceUpdate, StoreError, SyncCandidate};

/// Shortest and longest schedule, in minutes.
const MIN_INTERVAL: i64 = 5;
const MAX_INTERVAL: i64 = 7 * 24 * 60;

/// A schedule the user asked for: `0` turns it off (`None`).
pub fn check_interval(source_type: SourceType, minutes: i64) -> Result<Option<i64>, ApiError> {
    if minutes == 0 {
        return Ok(None);
    }
    if source_type == SourceType::Csv {
        return Err(ApiError::unprocessable(
            "not_a_connected_source",
            "uploaded files have no sync schedule; upload the new file to replace the data",
        ));
    }
    if !(MIN_INTERVAL..=MAX_INTERVAL).contains(&minutes) {
        return Err(ApiError::unprocessable(
            "invalid_sync_interval",
            format!(
                "sync_interval_minutes must be 0 (off) or between {MIN_INTERVAL} and {MAX_INTERVAL}"
            ),
        ));
    }
    Ok(Some(minutes))
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn lease(state: &AppState) -> Duration {
    Duration::from_secs(state.settings.sync_lease_secs)
}

fn lease_ms(state: &AppState) -> i64 {
    i64::try_from(lease(state).as_millis()).unwrap_or(i64::MAX)
}

/// Starts a sync of `source` in the background unless one is running (on this
/// or another server): `true` when this call started it.
pub async fn request(state: &AppState, source: &DataSource) -> Result<bool, SourceError> {
    if source.source_type == SourceType::Csv {
        return Err(SourceError::NotConnected);
    }
    let now = now_ms();
    let claimed = state
        .store
        .claim_sync(
            source.user_id,
            source.id,
            &state.instance_id,
            now,
            now.saturating_add(lease_ms(state)),
        )
        .await?;
    if claimed {
        tokio::spawn(run(state.clone(), source.user_id, source.id));
    }
    Ok(claimed)
}

/// Runs a claimed sync to its end, renewing the lease meanwhile, and records
/// the outcome: `connected` with the new snapshot, or `error` with what to fix.
async fn run(state: AppState, user: UserId, id: DataSourceId) {
    let heartbeat = {
        let state = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease(&state) / 3).await;
                let until = now_ms().saturating_add(lease_ms(&state));
                match state
                    .store
                    .renew_sync_lease(id, &state.instance_id, until)
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(err) => tracing::warn!(%err, "could not renew a sync lease"),
                }
            }
        })
    };
    let outcome = sync_once(&state, user, id).await;
    heartbeat.abort();
    match outcome {
        Ok(()) => tracing::info!(data_source = %id, "sync finished"),
        Err(SourceError::Store(StoreError::NotFound)) => {
            tracing::info!(data_source = %id, "the source was deleted while it synced")
        }
        Err(err) => {
            let message = user_message(&err);
            tracing::warn!(data_source = %id, error = %err, "sync failed");
            let failed = DataSourceUpdate {
                status: Some(SourceStatus::Error),
                status_message: Some(message),
                ..Default::default()
            };
            if let Err(err) = state.store.update_data_source(user, id, failed).await {
                tracing::warn!(%err, "could not record a failed sync");
            }
        }
    }
    if let Err(err) = state.store.release_sync_lease(id, &state.instance_id).await {
        tracing::warn!(%err, "could not release a sync lease");
    }
}

const INTERNAL: &str =
    "The sync failed because of an internal error. The previous data is still in use; try again.";

/// What the source shows after a failed sync.
fn user_message(err: &SourceError) -> String {
    match err {
        // Internal causes are logged, not shown.
        SourceError::Io(_) | SourceError::Store(_) | SourceError::SecretUnreadable(_) => {
            INTERNAL.into()
        }
        SourceError::Ingest(e) if !e.is_user_error() => INTERNAL.into(),
        SourceError::Connector(e) if !e.is_user_error() => INTERNAL.into(),
        other => format!("The sync failed: {other}. The previous data is still in use."),
    }
}

async fn sync_once(state: &AppState, user: UserId, id: DataSourceId) -> Result<(), SourceError> {
    let started = Instant::now();
    let source = state.store.get_data_source(user, id).await?;
    let info = source
        .connection_info
        .as_ref()
        .ok_or(SourceError::NotConnected)?;
    let connection = Connection::open(&info.0, &state.vault, user)?;
    let temp_dir = state.settings.data_dir.join("uploads/temp");
    std::fs::create_dir_all(&temp_dir)?;
    let temp = tempfile::Builder::new()
        .prefix("sync-")
        .suffix(".parquet")
        .tempfile_in(&temp_dir)?
        .into_temp_path();
    let fetched = connections::fetch(state, &connection, Extent::Full, &temp).await?;
    let (schema, drift) = successor(&source.columns_info.0, fetched.ingested.schema);

    let key = format!("processed/{user}/{id}.v{}.parquet", source.version + 1);
    let stored = StoredFiles::new(state.storage.clone(), vec![key.clone()]);
    let size = state.storage.put_file(&key, &temp).await?;
    let report = SyncReport {
        finished_at: Utc::now().to_rfc3339(),
        rows_before: u64::try_from(source.row_count).unwrap_or(0),
        rows_after: fetched.ingested.row_count,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        drift,
    };
    let size = i64::try_from(size).unwrap_or(i64::MAX);
    state
        .store
        .update_data_source(
            user,
            id,
            DataSourceUpdate {
                status: Some(SourceStatus::Connected),
                status_message: fetched.truncated,
                columns_info: Some(schema),
                profile: Some(fetched.ingested.profile),
                row_count: Some(i64::try_from(fetched.ingested.row_count).unwrap_or(i64::MAX)),
                file_size: Some(size),
                storage_bytes: Some(size),
                last_synced_at: Some(Utc::now()),
                file_path: Some(key.clone()),
                sync_report: Some(report),
                bump_version: true,
                ..Default::default()
            },
        )
        .await?;
    stored.keep();
    // Queries read the new snapshot from here on; the old one can go.
    if let Some(old) = source.file_path.filter(|old| *old != key) {
        crate::querying::forget_snapshot(state, &old);
        if let Err(err) = state.storage.delete(&old).await {
            tracing::warn!(%err, key = old, "could not remove a replaced snapshot");
        }
    }
    Ok(())
}

/// The schema of a new snapshot with the user's column notes carried over,
/// and how it differs from the old one.
pub(crate) fn successor(
    old: &domain::SourceSchema,
    mut new: domain::SourceSchema,
) -> (domain::SourceSchema, SchemaDrift) {
    domain::sync::carry_notes(old, &mut new);
    let drift = SchemaDrift::between(old, &new);
    (new, drift)
}

/// Checks for due syncs now and then, for as long as the server runs.
pub fn spawn_scheduler(state: AppState) {
    let every = (lease(&state) / 2).clamp(Duration::from_millis(500), Duration::from_secs(30));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(err) = start_due(&state).await {
                tracing::warn!(%err, "could not look for due syncs");
            }
        }
    });
}

async fn start_due(state: &AppState) -> Result<(), StoreError> {
    let now = now_ms();
    for candidate in state.store.sync_candidates().await? {
        if !is_due(&candidate, now) {
            continue;
        }
        let claimed = state
            .store
            .claim_sync(
                candidate.user_id,
                candidate.id,
                &state.instance_id,
                now,
                now.saturating_add(lease_ms(state)),
            )
            .await?;
        if claimed {
            tracing::info!(data_source = %candidate.id, "starting a scheduled or interrupted sync");
            tokio::spawn(run(state.clone(), candidate.user_id, candidate.id));
        }
    }
    Ok(())
}

/// A sync left `syncing` whose lease ran out was interrupted; a scheduled one is
/// due when its interval has passed since the last success (or the last failure).
fn is_due(candidate: &SyncCandidate, now_ms: i64) -> bool {
    if candidate.status == SourceStatus::Syncing {
        return candidate
            .sync_lease_until
            .is_none_or(|until| until < now_ms);
    }
    let Some(minutes) = candidate.sync_interval_minutes else {
        return false;
    };
    let last = match candidate.status {
        SourceStatus::Error => Some(candidate.updated_at),
        _ => candidate.last_synced_at,
    };
    last.is_none_or(|at| at.timestamp_millis().saturating_add(minutes * 60_000) <= now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(status: SourceStatus, interval: Option<i64>, minutes_ago: i64) -> SyncCandidate {
        let at = Utc::now() - chrono::Duration::minutes(minutes_ago);
        SyncCandidate {
            id: DataSourceId::new(),
            user_id: UserId::new(),
            status,
            sync_interval_minutes: interval,
            last_synced_at: Some(at),
            updated_at: at,
            sync_lease_until: None,
        }
    }

    #[test]
    fn due_syncs() {
        let now = now_ms();
        assert!(is_due(
            &candidate(SourceStatus::Connected, Some(60), 61),
            now
        ));
        assert!(!is_due(
            &candidate(SourceStatus::Connected, Some(60), 10),
            now
        ));
        assert!(!is_due(
            &candidate(SourceStatus::Connected, None, 1000),
            now
        ));
        assert!(
            !is_due(&candidate(SourceStatus::Error, Some(60), 10), now),
            "a failure waits an interval too"
        );
        let mut left = candidate(SourceStatus::Syncing, None, 0);
        left.sync_lease_until = Some(now + 10_000);
        assert!(!is_due(&left, now), "held by a live server");
        left.sync_lease_until = Some(now - 1);
        assert!(is_due(&left, now), "the server holding it stopped");
    }

    #[test]
    fn intervals_are_bounded() {
        assert_eq!(check_interval(SourceType::Api, 0).unwrap(), None);
        assert_eq!(check_interval(SourceType::Api, 60).unwrap(), Some(60));
        assert!(check_interval(SourceType::Api, 1).is_err());
        assert!(check_interval(SourceType::Csv, 60).is_err());
    }
}
