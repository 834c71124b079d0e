//! Query history, written in groups. Requests hand their record to one writer
//! task, which stores everything queued meanwhile in a single statement, so under
//! load many rows share one commit instead of each contending for the store.
//!
//! With the embedded store this process is the only reader of the history, so a
//! request is answered as soon as its record is queued, and every read of the
//! history first waits for the records queued before it ([`History::settled`]).
//! A shared PostgreSQL may be read by other servers at once: there each request
//! waits until its record is committed.

use store::{DynStore, NewQuery, Query, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Most rows one statement stores.
const MAX_GROUP: usize = 64;
/// Records that may wait for the writer before new requests wait for room.
const QUEUE: usize = 1024;

enum Pending {
    Row {
        row: Query,
        /// Told whether the row was stored, for a request waiting on its commit.
        stored: Option<oneshot::Sender<store::Result<()>>>,
    },
    /// Answered once every row queued before it has been written.
    Barrier(oneshot::Sender<()>),
}

/// The handle requests record their queries through.
#[derive(Clone)]
pub struct History {
    queue: mpsc::Sender<Pending>,
    wait_for_commit: bool,
}

impl History {
    /// Starts the writer task on the current runtime. `wait_for_commit`: answer a
    /// request only once its record is committed (for a store other processes read).
    pub fn start(store: DynStore, wait_for_commit: bool) -> Self {
        let (queue, pending) = mpsc::channel(QUEUE);
        tokio::spawn(write_groups(store, pending));
        Self {
            queue,
            wait_for_commit,
        }
    }

    /// Records `query` in the history and returns its record.
    pub async fn record(&self, query: NewQuery) -> store::Result<Query> {
        let row = Query::new_record(query);
        if !self.wait_for_commit {
            self.enqueue(row.clone(), None).await?;
            return Ok(row);
        }
        self.record_committed(row).await
    }

    /// Records `query` and returns once it is committed (for a record other rows
    /// will reference, such as a chart's query).
    pub async fn record_now(&self, query: NewQuery) -> store::Result<Query> {
        self.record_committed(Query::new_record(query)).await
    }

    async fn record_committed(&self, row: Query) -> store::Result<Query> {
        let (stored, receipt) = oneshot::channel();
        self.enqueue(row.clone(), Some(stored)).await?;
        receipt.await.map_err(|_| writer_gone())??;
        Ok(row)
    }

    async fn enqueue(
        &self,
        row: Query,
        stored: Option<oneshot::Sender<store::Result<()>>>,
    ) -> store::Result<()> {
        self.queue
            .send(Pending::Row { row, stored })
            .await
            .map_err(|_| writer_gone())
    }

    /// Waits until every record queued before this call has been written, so a
    /// read of the history sees the queries answered before it. The queue is
    /// first in, first out: a barrier sent through it comes out after them.
    pub async fn settled(&self) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Pending::Barrier(done)).await.is_ok() {
            // An error means the writer has stopped: nothing more will be written.
            let _ = written.await;
        }
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
                    rows.push(row);
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
async fn store_group(store: &DynStore, rows: &[Query]) -> Vec<store::Result<()>> {
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
    use domain::QueryType;
    use std::time::Duration;
    use store::{NewUser, Page, QueryFilter};

    #[tokio::test]
    async fn reads_after_settling_see_every_answered_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("meta.db");
        let store = store::connect(path.to_str().unwrap(), Default::default())
            .await
            .unwrap();
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
        let history = History::start(store.clone(), false);
        let answered =
            futures::future::join_all((0..300).map(|i| history.record(query(format!("q{i}")))))
                .await;
        assert!(answered.iter().all(Result::is_ok));
        // A request that goes away before its record is queued holds nobody up.
        let gone = tokio::spawn({
            let history = history.clone();
            async move { history.record(query("gone".into())).await }
        });
        gone.abort();
        tokio::time::timeout(Duration::from_secs(10), history.settled())
            .await
            .expect("settles");
        let stored = store
            .list_queries(user.id, QueryFilter::default(), Page::new(None, None))
            .await
            .unwrap();
        assert!(stored.total >= 300, "{} rows", stored.total);
        let first = answered[0].as_ref().unwrap();
        assert_eq!(
            store.get_query(user.id, first.id).await.unwrap().query_text,
            "q0"
        );
    }
}
