//! Query history, written in groups. Requests hand their record to one writer
//! task, which stores everything queued meanwhile in a single statement, so under
//! load many rows share one commit instead of each contending for the store.
//!
//! With the embedded store this process is the only reader of the history, so a
//! request is answered as soon as its record is queued, and every read of the
//! history first waits for the records queued before it ([`History::settled`]).
//! A shared PostgreSQL may be read by other servers at once: there each request
//! waits until its record is committed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use store::{DynStore, NewQuery, Query, StoreError};
use tokio::sync::{mpsc, oneshot, watch};

/// Most rows one statement stores.
const MAX_GROUP: usize = 64;
/// Records that may wait for the writer before new requests wait for room.
const QUEUE: usize = 1024;

struct Pending {
    row: Query,
    /// Told whether the row was stored, for a request waiting on its commit.
    stored: Option<oneshot::Sender<store::Result<()>>>,
}

/// The handle requests record their queries through.
#[derive(Clone)]
pub struct History {
    queue: mpsc::Sender<Pending>,
    /// Records handed to the writer so far, and records it has finished.
    queued: Arc<AtomicU64>,
    written: watch::Receiver<u64>,
    wait_for_commit: bool,
}

impl History {
    /// Starts the writer task on the current runtime. `wait_for_commit`: answer a
    /// request only once its record is committed (for a store other processes read).
    pub fn start(store: DynStore, wait_for_commit: bool) -> Self {
        let (queue, pending) = mpsc::channel(QUEUE);
        let (written_tx, written) = watch::channel(0);
        tokio::spawn(write_groups(store, pending, written_tx));
        Self {
            queue,
            queued: Arc::new(AtomicU64::new(0)),
            written,
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
        self.queued.fetch_add(1, Ordering::AcqRel);
        let sent = self.queue.send(Pending { row, stored }).await;
        if sent.is_err() {
            return Err(writer_gone());
        }
        Ok(())
    }

    /// Waits until every record queued before this call has been written, so a
    /// read of the history sees the queries answered before it.
    pub async fn settled(&self) {
        let target = self.queued.load(Ordering::Acquire);
        let mut written = self.written.clone();
        // An error means the writer has stopped: nothing more will be written.
        let _ = written.wait_for(|done| *done >= target).await;
    }
}

fn writer_gone() -> StoreError {
    StoreError::Unavailable("the history writer has stopped".into())
}

async fn write_groups(
    store: DynStore,
    mut pending: mpsc::Receiver<Pending>,
    written: watch::Sender<u64>,
) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while pending.recv_many(&mut group, MAX_GROUP).await > 0 {
        let (rows, receipts): (Vec<Query>, Vec<_>) =
            group.drain(..).map(|p| (p.row, p.stored)).unzip();
        let results = store_group(&store, &rows).await;
        let count = rows.len() as u64;
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
        written.send_modify(|done| *done += count);
    }
}

/// One result per row, in order. When the batch fails as a whole (a row that
/// breaks a constraint, say), every row is retried alone so that one bad row
/// cannot fail the others.
async fn store_group(store: &DynStore, rows: &[Query]) -> Vec<store::Result<()>> {
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
