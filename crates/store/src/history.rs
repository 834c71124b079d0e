//! Query history written in groups, behind a store decorator that makes
//! read-your-writes a property of the store rather than of each handler.
//!
//! Requests hand their history record to one writer task, which stores
//! everything queued meanwhile in a single statement, so under load many rows
//! share one commit instead of each contending for the store.
//!
//! With the embedded store this process is the only reader of the history, so
//! `create_query` returns as soon as its record is queued, and every call that
//! reads or depends on the history (queries, visualizations, statistics,
//! deleting a source or a user) first waits for the records queued before it.
//! A shared PostgreSQL may be read by other servers at once: there
//! `create_query` returns once its record is committed.

use crate::{
    ApiKey, AuthToken, DailyLlmTokens, DailyQueryCount, DashboardTile, DataSource,
    DataSourceUpdate, DynStore, MetadataStore, NewApiKey, NewAuthToken, NewDashboardTile,
    NewDataSource, NewLlmUsage, NewQuery, NewSession, NewUser, NewVisualization, Page, Paged,
    Query, QueryFilter, Result, Session, SourceQueryCount, SourceTable, StoreError, SyncCandidate,
    TileUpdate, TokenPurpose, UsageScope, User, UserStats, UserUpdate, Visualization,
    VisualizationUpdate,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{ApiKeyId, DataSourceId, QueryId, SessionId, TileId, UserId, VisualizationId};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// Most rows one statement stores.
const MAX_GROUP: usize = 64;
/// Records that may wait for the writer before new requests wait for room.
const QUEUE: usize = 1024;

enum Pending {
    Row {
        // Boxed: a record is much larger than a barrier.
        row: Box<Query>,
        /// Told whether the row was stored, for a request waiting on its commit.
        stored: Option<oneshot::Sender<Result<()>>>,
    },
    /// Answered once every row queued before it has been written.
    Barrier(oneshot::Sender<()>),
}

/// A store whose query history is written in groups; see the module docs.
pub struct HistoryStore {
    inner: DynStore,
    queue: mpsc::Sender<Pending>,
    wait_for_commit: bool,
}

impl HistoryStore {
    /// Wraps `inner` and starts the writer task on the current runtime.
    /// `wait_for_commit`: answer `create_query` only once its record is
    /// committed (for a store other processes read).
    pub fn new(inner: DynStore, wait_for_commit: bool) -> Self {
        let (queue, pending) = mpsc::channel(QUEUE);
        tokio::spawn(write_groups(inner.clone(), pending));
        Self {
            inner,
            queue,
            wait_for_commit,
        }
    }

    async fn record_committed(&self, row: Query) -> Result<Query> {
        let (stored, receipt) = oneshot::channel();
        self.enqueue(row.clone(), Some(stored)).await?;
        receipt.await.map_err(|_| writer_gone())??;
        Ok(row)
    }

    async fn enqueue(&self, row: Query, stored: Option<oneshot::Sender<Result<()>>>) -> Result<()> {
        self.queue
            .send(Pending::Row {
                row: Box::new(row),
                stored,
            })
            .await
            .map_err(|_| writer_gone())
    }

    /// Waits until every record queued before this call has been written. The
    /// queue is first in, first out: a barrier sent through it comes out after them.
    async fn barrier(&self) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Pending::Barrier(done)).await.is_ok() {
            // An error means the writer has stopped: nothing more will be written.
            let _ = written.await;
        }
    }
}

/// Waits for the queued history, then makes the call.
macro_rules! after_history {
    ($self:ident, $call:expr) => {{
        $self.barrier().await;
        $call.await
    }};
}

#[async_trait]
impl MetadataStore for HistoryStore {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn ping(&self) -> Result<()> {
        self.inner.ping().await
    }

    async fn settled(&self) {
        self.barrier().await;
        self.inner.settled().await;
    }

    async fn create_user(&self, user: NewUser) -> Result<User> {
        self.inner.create_user(user).await
    }

    async fn get_user(&self, id: UserId) -> Result<User> {
        self.inner.get_user(id).await
    }

    async fn get_user_by_email(&self, email: &str) -> Result<User> {
        self.inner.get_user_by_email(email).await
    }

    async fn update_user(&self, id: UserId, update: UserUpdate) -> Result<User> {
        self.inner.update_user(id, update).await
    }

    async fn delete_user(&self, id: UserId) -> Result<()> {
        after_history!(self, self.inner.delete_user(id))
    }

    async fn create_data_source(&self, source: NewDataSource) -> Result<DataSource> {
        self.inner.create_data_source(source).await
    }

    async fn get_data_source(&self, user: UserId, id: DataSourceId) -> Result<DataSource> {
        self.inner.get_data_source(user, id).await
    }

    async fn list_data_sources(&self, user: UserId, page: Page) -> Result<Paged<DataSource>> {
        self.inner.list_data_sources(user, page).await
    }

    async fn list_source_tables(&self, user: UserId) -> Result<Vec<SourceTable>> {
        self.inner.list_source_tables(user).await
    }

    async fn update_data_source(
        &self,
        user: UserId,
        id: DataSourceId,
        update: DataSourceUpdate,
    ) -> Result<DataSource> {
        self.inner.update_data_source(user, id, update).await
    }

    async fn delete_data_source(&self, user: UserId, id: DataSourceId) -> Result<()> {
        // Queries of this source answered just before are stored before it goes.
        after_history!(self, self.inner.delete_data_source(user, id))
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
        let row = Query::new_record(query);
        if self.wait_for_commit {
            return self.record_committed(row).await;
        }
        self.enqueue(row.clone(), None).await?;
        Ok(row)
    }

    async fn insert_queries(&self, rows: &[Query]) -> Result<Vec<bool>> {
        after_history!(self, self.inner.insert_queries(rows))
    }

    async fn get_query(&self, user: UserId, id: QueryId) -> Result<Query> {
        after_history!(self, self.inner.get_query(user, id))
    }

    async fn list_queries(
        &self,
        user: UserId,
        filter: QueryFilter,
        page: Page,
    ) -> Result<Paged<Query>> {
        after_history!(self, self.inner.list_queries(user, filter, page))
    }

    async fn set_query_saved(&self, user: UserId, id: QueryId, saved: bool) -> Result<Query> {
        after_history!(self, self.inner.set_query_saved(user, id, saved))
    }

    async fn delete_query(&self, user: UserId, id: QueryId) -> Result<()> {
        after_history!(self, self.inner.delete_query(user, id))
    }

    async fn create_visualization(
        &self,
        user: UserId,
        viz: NewVisualization,
    ) -> Result<Visualization> {
        after_history!(self, self.inner.create_visualization(user, viz))
    }

    async fn list_visualizations(
        &self,
        user: UserId,
        query: QueryId,
    ) -> Result<Vec<Visualization>> {
        after_history!(self, self.inner.list_visualizations(user, query))
    }

    async fn get_visualization(&self, user: UserId, id: VisualizationId) -> Result<Visualization> {
        after_history!(self, self.inner.get_visualization(user, id))
    }

    async fn update_visualization(
        &self,
        user: UserId,
        id: VisualizationId,
        update: VisualizationUpdate,
    ) -> Result<Visualization> {
        after_history!(self, self.inner.update_visualization(user, id, update))
    }

    async fn delete_visualization(&self, user: UserId, id: VisualizationId) -> Result<()> {
        after_history!(self, self.inner.delete_visualization(user, id))
    }

    async fn create_tile(&self, tile: NewDashboardTile) -> Result<DashboardTile> {
        // The tile refers to its query, which may still be queued.
        after_history!(self, self.inner.create_tile(tile))
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
        self.inner.create_session(session).await
    }

    async fn find_session_by_hash(&self, token_hash: &str) -> Result<Session> {
        self.inner.find_session_by_hash(token_hash).await
    }

    async fn mark_session_used(&self, id: SessionId, at: DateTime<Utc>) -> Result<bool> {
        self.inner.mark_session_used(id, at).await
    }

    async fn revoke_session_family(&self, family: Uuid) -> Result<u64> {
        self.inner.revoke_session_family(family).await
    }

    async fn revoke_user_sessions(&self, user: UserId, keep_family: Option<Uuid>) -> Result<u64> {
        self.inner.revoke_user_sessions(user, keep_family).await
    }

    async fn session_family_active(&self, family: Uuid, now: DateTime<Utc>) -> Result<bool> {
        self.inner.session_family_active(family, now).await
    }

    async fn session_family_expires_at(&self, family: Uuid) -> Result<Option<DateTime<Utc>>> {
        self.inner.session_family_expires_at(family).await
    }

    async fn purge_expired_sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<u64> {
        self.inner.purge_expired_sessions(user, now).await
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
        after_history!(self, self.inner.user_stats(user, now))
    }

    async fn recent_queries(&self, user: UserId, limit: i64) -> Result<Vec<Query>> {
        after_history!(self, self.inner.recent_queries(user, limit))
    }

    async fn daily_query_counts(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DailyQueryCount>> {
        after_history!(self, self.inner.daily_query_counts(user, since))
    }

    async fn execution_times(&self, user: UserId, since: DateTime<Utc>) -> Result<Vec<i64>> {
        after_history!(self, self.inner.execution_times(user, since))
    }

    async fn query_counts_by_source(
        &self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<SourceQueryCount>> {
        after_history!(self, self.inner.query_counts_by_source(user, limit))
    }

    async fn record_llm_usage(&self, usage: NewLlmUsage) -> Result<()> {
        self.inner.record_llm_usage(usage).await
    }

    async fn llm_tokens_since(&self, scope: UsageScope, since: DateTime<Utc>) -> Result<i64> {
        after_history!(self, self.inner.llm_tokens_since(scope, since))
    }

    async fn daily_llm_tokens(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DailyLlmTokens>> {
        after_history!(self, self.inner.daily_llm_tokens(user, since))
    }
}

fn writer_gone() -> StoreError {
    StoreError::Unavailable("the history writer has stopped".into())
}

async fn write_groups(store: DynStore, mut pending: mpsc::Receiver<Pending>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while pending.recv_many(&mut group, MAX_GROUP).await > 0 {
        let mut rows = Vec::with_capacity(group.len());
        let mut receipts = Vec::with_capacity(group.len());
        let mut barriers = Vec::new();
        for item in group.drain(..) {
            match item {
                Pending::Row { row, stored } => {
                    rows.push(*row);
                    receipts.push(stored);
                }
                Pending::Barrier(done) => barriers.push(done),
            }
        }
        let results = store_group(&store, &rows).await;
        for ((row, result), receipt) in rows.iter().zip(results).zip(receipts) {
            match receipt {
                Some(receipt) => {
                    // The request may have gone away; its row is stored all the same.
                    let _ = receipt.send(result);
                }
                None => {
                    if let Err(err) = result {
                        tracing::warn!(query_id = %row.id, error = %err, "query not recorded in the history");
                    }
                }
            }
        }
        // Every row queued before these barriers is in this group or an earlier one.
        for done in barriers {
            let _ = done.send(());
        }
    }
}

/// One result per row, in order. When the batch fails as a whole (a row that
/// breaks a constraint, say), every row is retried alone so that one bad row
/// cannot fail the others.
async fn store_group(store: &DynStore, rows: &[Query]) -> Vec<Result<()>> {
    if rows.is_empty() {
        return Vec::new();
    }
    let stored_or_refused = |stored: bool| {
        if stored {
            Ok(())
        } else {
            Err(StoreError::MissingReference)
        }
    };
    match store.insert_queries(rows).await {
        Ok(stored) => stored.into_iter().map(stored_or_refused).collect(),
        Err(err) if rows.len() == 1 => vec![Err(err)],
        Err(err) => {
            tracing::debug!(error = %err, rows = rows.len(), "history batch failed; storing rows one by one");
            let mut results = Vec::with_capacity(rows.len());
            for row in rows {
                results.push(
                    match store.insert_queries(std::slice::from_ref(row)).await {
                        Ok(stored) => stored_or_refused(stored.first() == Some(&true)),
                        Err(err) => Err(err),
                    },
                );
            }
            results
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;
    use domain::QueryType;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn every_read_after_a_queued_record_sees_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("meta.db");
        let sqlite: DynStore =
            Arc::new(SqliteStore::connect(path.to_str().unwrap()).await.unwrap());
        let store: DynStore = Arc::new(HistoryStore::new(sqlite.clone(), false));
        let user = store
            .create_user(NewUser {
                email: "ann@example.com".into(),
                password_hash: "hash".into(),
                full_name: "Ann".into(),
                is_verified: true,
            })
            .await
            .unwrap();
        let user_id = user.id;
        let query = move |text: String| NewQuery {
            user_id,
            data_source_id: None,
            query_text: text,
            query_type: QueryType::Sql,
            interpreted_query: None,
            details: None,
            result_data: serde_json::json!({"rows": []}),
            execution_time_ms: 1,
        };
        let mut answered = Vec::new();
        for i in 0..300 {
            // Each record returns once queued; the read right after must still see it.
            let row = store.create_query(query(format!("q{i}"))).await.unwrap();
            if i % 50 == 0 {
                assert_eq!(
                    store.get_query(user_id, row.id).await.unwrap().query_text,
                    format!("q{i}")
                );
            }
            answered.push(row);
        }
        // A request that goes away before its record is queued holds nobody up.
        let gone = tokio::spawn({
            let store = store.clone();
            async move { store.create_query(query("gone".into())).await }
        });
        gone.abort();
        let listed = tokio::time::timeout(
            Duration::from_secs(10),
            store.list_queries(user_id, QueryFilter::default(), Page::new(None, None)),
        )
        .await
        .expect("settles")
        .unwrap();
        assert!(listed.total >= 300, "{} rows", listed.total);
        let stats = store.user_stats(user_id, Utc::now()).await.unwrap();
        assert!(stats.queries_count >= 300);
        // The inner store alone has them too once the decorator has settled.
        store.settled().await;
        assert!(sqlite.recent_queries(user_id, 5).await.unwrap().len() == 5);
    }
}
