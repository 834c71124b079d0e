//! A read-through cache in front of the embedded store for the three reads every
//! authenticated query makes: the user, whether their login is still active, and
//! their queryable tables.
//!
//! The server process is the only writer of its SQLite file, so every write that
//! could change a cached answer drops it as the write completes: a sign-out, a
//! deactivation or a re-upload is seen by the very next request. The short time to
//! live bounds how long an out-of-band edit of the file (an operator's SQL) can go
//! unseen.

use crate::{
    ApiKey, AuthToken, DailyLlmTokens, DailyQueryCount, DashboardTile, DataSource,
    DataSourceUpdate, DynStore, MetadataStore, NewApiKey, NewAuthToken, NewDashboardTile,
    NewDataSource, NewLlmUsage, NewQuery, NewSession, NewUser, NewVisualization, Page, Paged,
    Query, QueryFilter, Result, Session, SourceQueryCount, SourceTable, SyncCandidate, TileUpdate,
    TokenPurpose, UsageScope, User, UserStats, UserUpdate, Visualization, VisualizationUpdate,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{ApiKeyId, DataSourceId, QueryId, SessionId, TileId, UserId, VisualizationId};
use moka::sync::Cache;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::Duration;
use uuid::Uuid;

/// How long a cached read may be served without asking the store again.
pub const READ_CACHE_TTL: Duration = Duration::from_secs(2);
const CAPACITY: u64 = 100_000;

/// One cached read. A value loaded while an invalidation ran is returned but not
/// kept: the load may have seen the row from before the write.
struct ReadCache<K, V> {
    entries: Cache<K, V>,
    /// Bumped by every invalidation.
    generation: AtomicU64,
    /// Orders "check the generation, then insert" against invalidations.
    gate: RwLock<()>,
}

impl<K, V> ReadCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn new() -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(READ_CACHE_TTL)
                .build(),
            generation: AtomicU64::new(0),
            gate: RwLock::new(()),
        }
    }

    /// The cached value, or `load()`'s (the store is only asked on a miss).
    async fn get_or_load<F, Fut>(&self, key: K, load: F) -> Result<V>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        if let Some(value) = self.entries.get(&key) {
            return Ok(value);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let value = load().await?;
        let _gate = self.gate.read().unwrap_or_else(|e| e.into_inner());
        if self.generation.load(Ordering::Acquire) == generation {
            self.entries.insert(key, value.clone());
        }
        Ok(value)
    }

    fn invalidate(&self, key: &K) {
        let _gate = self.gate.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.invalidate(key);
    }

    fn invalidate_all(&self) {
        let _gate = self.gate.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.invalidate_all();
    }
}

/// A store whose per-request reads are served from memory; see the module docs.
pub struct CachedStore {
    inner: DynStore,
    users: ReadCache<UserId, User>,
    /// When a login (session family) ends.
    logins: ReadCache<Uuid, Option<DateTime<Utc>>>,
    tables: ReadCache<UserId, Vec<SourceTable>>,
}

impl CachedStore {
    /// Wraps a store that only this process writes.
    pub fn new(inner: DynStore) -> Self {
        Self {
            inner,
            users: ReadCache::new(),
            logins: ReadCache::new(),
            tables: ReadCache::new(),
        }
    }
}

/// Runs the write, then drops what it may have changed (whether it succeeded or not).
macro_rules! write_then {
    ($write:expr, $($invalidate:expr);+ $(;)?) => {{
        let result = $write.await;
        $($invalidate;)+
        result
    }};
}

#[async_trait]
impl MetadataStore for CachedStore {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn ping(&self) -> Result<()> {
        self.inner.ping().await
    }

    async fn settled(&self) {
        self.inner.settled().await
    }

    async fn create_user(&self, user: NewUser) -> Result<User> {
        self.inner.create_user(user).await
    }

    async fn get_user(&self, id: UserId) -> Result<User> {
        self.users.get_or_load(id, || self.inner.get_user(id)).await
    }

    async fn get_user_by_email(&self, email: &str) -> Result<User> {
        self.inner.get_user_by_email(email).await
    }

    async fn update_user(&self, id: UserId, update: UserUpdate) -> Result<User> {
        write_then!(
            self.inner.update_user(id, update),
            self.users.invalidate(&id)
        )
    }

    async fn delete_user(&self, id: UserId) -> Result<()> {
        write_then!(
            self.inner.delete_user(id),
            self.users.invalidate(&id);
            self.tables.invalidate(&id);
            self.logins.invalidate_all()
        )
    }

    async fn create_data_source(&self, source: NewDataSource) -> Result<DataSource> {
        let owner = source.user_id;
        write_then!(
            self.inner.create_data_source(source),
            self.tables.invalidate(&owner)
        )
    }

    async fn get_data_source(&self, user: UserId, id: DataSourceId) -> Result<DataSource> {
        self.inner.get_data_source(user, id).await
    }

    async fn list_data_sources(&self, user: UserId, page: Page) -> Result<Paged<DataSource>> {
        self.inner.list_data_sources(user, page).await
    }

    async fn list_source_tables(&self, user: UserId) -> Result<Vec<SourceTable>> {
        self.tables
            .get_or_load(user, || self.inner.list_source_tables(user))
            .await
    }

    async fn update_data_source(
        &self,
        user: UserId,
        id: DataSourceId,
        update: DataSourceUpdate,
    ) -> Result<DataSource> {
        write_then!(
            self.inner.update_data_source(user, id, update),
            self.tables.invalidate(&user)
        )
    }

    async fn delete_data_source(&self, user: UserId, id: DataSourceId) -> Result<()> {
        write_then!(
            self.inner.delete_data_source(user, id),
            self.tables.invalidate(&user)
        )
    }

    async fn claim_sync(
        &self,
        user: UserId,
        id: DataSourceId,
        owner: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<bool> {
        self.inner
            .claim_sync(user, id, owner, now_ms, until_ms)
            .await
    }

    async fn renew_sync_lease(&self, id: DataSourceId, owner: &str, until_ms: i64) -> Result<bool> {
        self.inner.renew_sync_lease(id, owner, until_ms).await
    }

    async fn release_sync_lease(&self, id: DataSourceId, owner: &str) -> Result<()> {
        self.inner.release_sync_lease(id, owner).await
    }

    async fn sync_candidates(&self) -> Result<Vec<SyncCandidate>> {
        self.inner.sync_candidates().await
    }

    async fn create_query(&self, query: NewQuery) -> Result<Query> {
        self.inner.create_query(query).await
    }

    async fn insert_queries(&self, rows: &[Query]) -> Result<Vec<bool>> {
        self.inner.insert_queries(rows).await
    }

    async fn get_query(&self, user: UserId, id: QueryId) -> Result<Query> {
        self.inner.get_query(user, id).await
    }

    async fn list_queries(
        &self,
        user: UserId,
        filter: QueryFilter,
        page: Page,
    ) -> Result<Paged<Query>> {
        self.inner.list_queries(user, filter, page).await
    }

    async fn set_query_saved(&self, user: UserId, id: QueryId, saved: bool) -> Result<Query> {
        self.inner.set_query_saved(user, id, saved).await
    }

    async fn delete_query(&self, user: UserId, id: QueryId) -> Result<()> {
        self.inner.delete_query(user, id).await
    }

    async fn create_visualization(
        &self,
        user: UserId,
        viz: NewVisualization,
    ) -> Result<Visualization> {
        self.inner.create_visualization(user, viz).await
    }

    async fn list_visualizations(
        &self,
        user: UserId,
        query: QueryId,
    ) -> Result<Vec<Visualization>> {
        self.inner.list_visualizations(user, query).await
    }

    async fn get_visualization(&self, user: UserId, id: VisualizationId) -> Result<Visualization> {
        self.inner.get_visualization(user, id).await
    }

    async fn update_visualization(
        &self,
        user: UserId,
        id: VisualizationId,
        update: VisualizationUpdate,
    ) -> Result<Visualization> {
        self.inner.update_visualization(user, id, update).await
    }

    async fn delete_visualization(&self, user: UserId, id: VisualizationId) -> Result<()> {
        self.inner.delete_visualization(user, id).await
    }

    async fn create_tile(&self, tile: NewDashboardTile) -> Result<DashboardTile> {
        self.inner.create_tile(tile).await
    }

    async fn list_tiles(&self, user: UserId) -> Result<Vec<DashboardTile>> {
        self.inner.list_tiles(user).await
    }

    async fn get_tile(&self, user: UserId, id: TileId) -> Result<DashboardTile> {
        self.inner.get_tile(user, id).await
    }

    async fn update_tile(
        &self,
        user: UserId,
        id: TileId,
        update: TileUpdate,
    ) -> Result<DashboardTile> {
        self.inner.update_tile(user, id, update).await
    }

    async fn reorder_tiles(&self, user: UserId, ids: &[TileId]) -> Result<()> {
        self.inner.reorder_tiles(user, ids).await
    }

    async fn delete_tile(&self, user: UserId, id: TileId) -> Result<()> {
        self.inner.delete_tile(user, id).await
    }

    async fn create_api_key(&self, key: NewApiKey) -> Result<ApiKey> {
        self.inner.create_api_key(key).await
    }

    async fn list_api_keys(&self, user: UserId) -> Result<Vec<ApiKey>> {
        self.inner.list_api_keys(user).await
    }

    async fn find_api_key_by_hash(&self, key_hash: &str) -> Result<ApiKey> {
        self.inner.find_api_key_by_hash(key_hash).await
    }

    async fn touch_api_key(&self, id: ApiKeyId, at: DateTime<Utc>) -> Result<()> {
        self.inner.touch_api_key(id, at).await
    }

    async fn revoke_api_key(&self, user: UserId, id: ApiKeyId) -> Result<()> {
        self.inner.revoke_api_key(user, id).await
    }

    async fn create_session(&self, session: NewSession) -> Result<Session> {
        let family = session.family_id;
        write_then!(
            self.inner.create_session(session),
            self.logins.invalidate(&family)
        )
    }

    async fn find_session_by_hash(&self, token_hash: &str) -> Result<Session> {
        self.inner.find_session_by_hash(token_hash).await
    }

    async fn mark_session_used(&self, id: SessionId, at: DateTime<Utc>) -> Result<bool> {
        self.inner.mark_session_used(id, at).await
    }

    async fn revoke_session_family(&self, family: Uuid) -> Result<u64> {
        write_then!(
            self.inner.revoke_session_family(family),
            self.logins.invalidate(&family)
        )
    }

    async fn revoke_user_sessions(&self, user: UserId, keep_family: Option<Uuid>) -> Result<u64> {
        write_then!(
            self.inner.revoke_user_sessions(user, keep_family),
            self.logins.invalidate_all()
        )
    }

    async fn session_family_active(&self, family: Uuid, now: DateTime<Utc>) -> Result<bool> {
        let expires_at = self.session_family_expires_at(family).await?;
        Ok(expires_at.is_some_and(|at| at > now))
    }

    async fn session_family_expires_at(&self, family: Uuid) -> Result<Option<DateTime<Utc>>> {
        self.logins
            .get_or_load(family, || self.inner.session_family_expires_at(family))
            .await
    }

    async fn purge_expired_sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<u64> {
        write_then!(
            self.inner.purge_expired_sessions(user, now),
            self.logins.invalidate_all()
        )
    }

    async fn create_auth_token(&self, token: NewAuthToken) -> Result<AuthToken> {
        self.inner.create_auth_token(token).await
    }

    async fn consume_auth_token(
        &self,
        purpose: TokenPurpose,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<AuthToken> {
        self.inner
            .consume_auth_token(purpose, token_hash, now)
            .await
    }

    async fn user_stats(&self, user: UserId, now: DateTime<Utc>) -> Result<UserStats> {
        self.inner.user_stats(user, now).await
    }

    async fn recent_queries(&self, user: UserId, limit: i64) -> Result<Vec<Query>> {
        self.inner.recent_queries(user, limit).await
    }

    async fn daily_query_counts(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DailyQueryCount>> {
        self.inner.daily_query_counts(user, since).await
    }

    async fn execution_times(&self, user: UserId, since: DateTime<Utc>) -> Result<Vec<i64>> {
        self.inner.execution_times(user, since).await
    }

    async fn query_counts_by_source(
        &self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<SourceQueryCount>> {
        self.inner.query_counts_by_source(user, limit).await
    }

    async fn record_llm_usage(&self, usage: NewLlmUsage) -> Result<()> {
        self.inner.record_llm_usage(usage).await
    }

    async fn llm_tokens_since(&self, scope: UsageScope, since: DateTime<Utc>) -> Result<i64> {
        self.inner.llm_tokens_since(scope, since).await
    }

    async fn daily_llm_tokens(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DailyLlmTokens>> {
        self.inner.daily_llm_tokens(user, since).await
    }
}
