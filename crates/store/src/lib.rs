//! The metadata store: one `MetadataStore` trait, two sqlx implementations
//! (SQLite for embedded use, PostgreSQL for production) sharing the same SQL,
//! and the decorators [`connect`] puts in front of them: the read cache of the
//! embedded store and the grouped history writer with read-your-writes.

mod cached;
mod error;
mod generic;
mod history;
mod postgres;
mod records;
mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{ApiKeyId, DataSourceId, QueryId, SessionId, TileId, UserId, VisualizationId};
use std::sync::Arc;
use uuid::Uuid;

pub use cached::{CachedStore, READ_CACHE_TTL};
pub use error::{Result, StoreError};
pub use history::HistoryStore;
pub use postgres::PgStore;
pub use records::*;
pub use sqlite::SqliteStore;

/// Everything InsightIQ keeps about users and their work. Every method that reads
/// or changes a user's resource takes the owner's `UserId` and treats another
/// user's row exactly like a missing one (`NotFound`).
#[async_trait]
pub trait MetadataStore: Send + Sync + 'static {
    /// Which backend this is (`sqlite` or `postgres`), for health reports.
    fn backend(&self) -> &'static str;
    /// A cheap round trip proving the store answers.
    async fn ping(&self) -> Result<()>;
    /// Waits until every write accepted before this call is stored (the grouped
    /// history writes of [`HistoryStore`]); at once for stores that write directly.
    async fn settled(&self) {}

    // users
    async fn create_user(&self, user: NewUser) -> Result<User>;
    async fn get_user(&self, id: UserId) -> Result<User>;
    async fn get_user_by_email(&self, email: &str) -> Result<User>;
    async fn update_user(&self, id: UserId, update: UserUpdate) -> Result<User>;
    async fn delete_user(&self, id: UserId) -> Result<()>;

    // data sources
    async fn create_data_source(&self, source: NewDataSource) -> Result<DataSource>;
    async fn get_data_source(&self, user: UserId, id: DataSourceId) -> Result<DataSource>;
    async fn list_data_sources(&self, user: UserId, page: Page) -> Result<Paged<DataSource>>;
    /// Every source of `user` as a queryable table, oldest first.
    async fn list_source_tables(&self, user: UserId) -> Result<Vec<SourceTable>>;
    async fn update_data_source(
        &self,
        user: UserId,
        id: DataSourceId,
        update: DataSourceUpdate,
    ) -> Result<DataSource>;
    async fn delete_data_source(&self, user: UserId, id: DataSourceId) -> Result<()>;
    /// Takes the sync lease of the user's source until `until_ms` and marks it
    /// `syncing`, unless another owner holds an unexpired lease (`false`; also
    /// when the source is not the user's). One server syncs a source at a time.
    async fn claim_sync(
        &self,
        user: UserId,
        id: DataSourceId,
        owner: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<bool>;
    /// Extends a lease `owner` holds; `false` when it no longer does.
    async fn renew_sync_lease(&self, id: DataSourceId, owner: &str, until_ms: i64) -> Result<bool>;
    async fn release_sync_lease(&self, id: DataSourceId, owner: &str) -> Result<()>;
    /// Every user's connected sources that are scheduled or left `syncing`.
    async fn sync_candidates(&self) -> Result<Vec<SyncCandidate>>;

    // queries
    async fn create_query(&self, query: NewQuery) -> Result<Query>;
    /// Stores history records made by [`Query::new_record`] in one statement;
    /// per row, whether it was stored (`false`: its data source is not its
    /// user's). A database error fails the whole batch and stores none.
    async fn insert_queries(&self, rows: &[Query]) -> Result<Vec<bool>>;
    async fn get_query(&self, user: UserId, id: QueryId) -> Result<Query>;
    async fn list_queries(
        &self,
        user: UserId,
        filter: QueryFilter,
        page: Page,
    ) -> Result<Paged<Query>>;
    async fn set_query_saved(&self, user: UserId, id: QueryId, saved: bool) -> Result<Query>;
    async fn delete_query(&self, user: UserId, id: QueryId) -> Result<()>;

    // visualizations (owned through their query)
    async fn create_visualization(
        &self,
        user: UserId,
        viz: NewVisualization,
    ) -> Result<Visualization>;
    async fn list_visualizations(&self, user: UserId, query: QueryId)
        -> Result<Vec<Visualization>>;
    async fn get_visualization(&self, user: UserId, id: VisualizationId) -> Result<Visualization>;
    async fn update_visualization(
        &self,
        user: UserId,
        id: VisualizationId,
        update: VisualizationUpdate,
    ) -> Result<Visualization>;
    async fn delete_visualization(&self, user: UserId, id: VisualizationId) -> Result<()>;

    // dashboard tiles
    /// Pins a tile at the end of the user's dashboard; `NotFound` when the source
    /// is not the user's.
    async fn create_tile(&self, tile: NewDashboardTile) -> Result<DashboardTile>;
    /// The user's tiles in dashboard order.
    async fn list_tiles(&self, user: UserId) -> Result<Vec<DashboardTile>>;
    async fn get_tile(&self, user: UserId, id: TileId) -> Result<DashboardTile>;
    async fn update_tile(
        &self,
        user: UserId,
        id: TileId,
        update: TileUpdate,
    ) -> Result<DashboardTile>;
    /// Puts the user's tiles in the order of `ids`, all or nothing: `NotFound` when
    /// an id is not one of the user's tiles.
    async fn reorder_tiles(&self, user: UserId, ids: &[TileId]) -> Result<()>;
    async fn delete_tile(&self, user: UserId, id: TileId) -> Result<()>;

    // API keys
    async fn create_api_key(&self, key: NewApiKey) -> Result<ApiKey>;
    async fn list_api_keys(&self, user: UserId) -> Result<Vec<ApiKey>>;
    /// Looks a key up by the hash of the presented secret (any owner).
    async fn find_api_key_by_hash(&self, key_hash: &str) -> Result<ApiKey>;
    async fn touch_api_key(&self, id: ApiKeyId, at: DateTime<Utc>) -> Result<()>;
    async fn revoke_api_key(&self, user: UserId, id: ApiKeyId) -> Result<()>;

    // refresh-token sessions
    async fn create_session(&self, session: NewSession) -> Result<Session>;
    async fn find_session_by_hash(&self, token_hash: &str) -> Result<Session>;
    /// Marks a session used; returns `false` when it was already used (a replay).
    async fn mark_session_used(&self, id: SessionId, at: DateTime<Utc>) -> Result<bool>;
    async fn revoke_session_family(&self, family: Uuid) -> Result<u64>;
    async fn revoke_user_sessions(&self, user: UserId, keep_family: Option<Uuid>) -> Result<u64>;
    /// Whether a login (session family) still has an unexpired session, so access
    /// tokens of a signed-out or revoked login stop working at once.
    async fn session_family_active(&self, family: Uuid, now: DateTime<Utc>) -> Result<bool>;
    /// When the login's latest session expires (`None`: it has no session left).
    async fn session_family_expires_at(&self, family: Uuid) -> Result<Option<DateTime<Utc>>>;
    /// Deletes a user's expired sessions (kept until then for replay detection).
    async fn purge_expired_sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<u64>;

    // single-use email tokens
    async fn create_auth_token(&self, token: NewAuthToken) -> Result<AuthToken>;
    /// Atomically marks an unexpired, unused token used and returns it.
    async fn consume_auth_token(
        &self,
        purpose: TokenPurpose,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<AuthToken>;

    // statistics
    async fn user_stats(&self, user: UserId, now: DateTime<Utc>) -> Result<UserStats>;
    async fn recent_queries(&self, user: UserId, limit: i64) -> Result<Vec<Query>>;
    async fn daily_query_counts(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DailyQueryCount>>;
    async fn execution_times(&self, user: UserId, since: DateTime<Utc>) -> Result<Vec<i64>>;
    async fn query_counts_by_source(
        &self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<SourceQueryCount>>;

    // language-model usage
    async fn record_llm_usage(&self, usage: NewLlmUsage) -> Result<()>;
    /// Tokens (prompt plus completion) spent by `scope` since `since`.
    async fn llm_tokens_since(&self, scope: UsageScope, since: DateTime<Utc>) -> Result<i64>;
    /// The user's tokens per day since `since`, days without any left out.
    async fn daily_llm_tokens(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DailyLlmTokens>>;
}

pub type DynStore = Arc<dyn MetadataStore>;

/// Which backend a database URL selects.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens the store a URL names (`postgres://…` or `sqlite://…`) and applies
/// migrations. The embedded SQLite store, written by this process alone, serves
/// its per-request reads from a [`CachedStore`]; PostgreSQL may be shared by
/// several servers and is always asked.
pub async fn connect(url: &str, options: PoolOptions) -> Result<DynStore> {
    if is_postgres_url(url) {
        let postgres: DynStore = Arc::new(PgStore::connect(url, options).await?);
        // Other servers may read a shared database: records are committed before answering.
        Ok(Arc::new(HistoryStore::new(postgres, true)))
    } else {
        let sqlite: DynStore = Arc::new(SqliteStore::connect(url).await?);
        // Only this process reads its SQLite file: queued records are enough.
        let cached: DynStore = Arc::new(CachedStore::new(sqlite));
        Ok(Arc::new(HistoryStore::new(cached, false)))
    }
}

/// Connection-pool sizing (SPEC: 10–20 connections on PostgreSQL).
#[derive(Clone, Copy, Debug)]
pub struct PoolOptions {
    pub min_connections: u32,
    pub max_connections: u32,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            min_connections: 10,
            max_connections: 20,
        }
    }
}
