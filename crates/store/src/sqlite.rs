//! The embedded metadata store: one SQLite file under the data directory.

use crate::generic::impl_metadata_store;
use crate::Result;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::Connection;
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
    checkpointer: tokio::task::AbortHandle,
}

/// How often the write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.checkpointer.abort();
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path` or a
    /// plain path) and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let url = if url.starts_with("sqlite:") {
            url.to_string()
        } else {
            format!("sqlite://{url}")
        };
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Safe with WAL (a power cut can lose the last commits, never corrupt
            // the file) and it avoids an fsync per write on the query-history path.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10));
        // Migrate on one connection before the pool opens any: a pooled
        // connection that read the schema before an `ALTER TABLE` can prepare
        // `SELECT *` against the old column list and fail mid-row.
        {
            let mut conn = SqliteConnection::connect_with(&options).await?;
            sqlx::migrate!("./migrations/sqlite").run(&mut conn).await?;
            conn.close().await?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        let checkpointer = tokio::spawn(checkpoint_regularly(pool.clone())).abort_handle();
        Ok(Self { pool, checkpointer })
    }

    pub async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await?;
        Ok(())
    }
}

/// Copies committed pages from the log into the database file without blocking
/// readers or writers (`PASSIVE`). SQLite still checkpoints inside the commit
/// that takes the log past 1,000 pages (which is what lets the log start over
/// and stay small), but finds most of the copying already done, so the requests
/// queued behind that commit are not held up by it.
async fn checkpoint_regularly(pool: SqlitePool) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    while !pool.is_closed() {
        tick.tick().await;
        if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::debug!(error = %err, "background checkpoint failed; retrying");
        }
    }
}

impl_metadata_store!(
    SqliteStore,
    backend = "sqlite",
    day_of = "substr(created_at, 1, 10)"
);
