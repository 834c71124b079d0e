//! Running SQL for a user: registers only the caller's own data sources in the
//! sandbox, serves repeated queries from the result cache, and records history.

use crate::cache::{result_key, RESULT_TTL};
use crate::state::AppState;
use crate::tables::table_names;
use domain::{DataSourceId, QueryType, UserId};
use engine::query::{QueryResult, TableRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use store::{NewQuery, Query, StoreError};

/// Why a query could not run. Mapped to HTTP in `crate::error`.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// No such source of this user (another user's is the same: not found).
    #[error("data source not found")]
    SourceNotFound,
    #[error("this data source has no data snapshot yet; sync or re-upload it")]
    NotQueryable,
    /// Planning or running the SQL failed (syntax, unknown column, limits).
    #[error(transparent)]
    Engine(#[from] engine::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not encode the result: {0}")]
    Encode(#[from] serde_json::Error),
}

/// A finished query: its result and how it was obtained.
pub struct SqlRun {
    pub result: QueryResult,
    pub cached: bool,
    pub execution_time_ms: i64,
}

/// A query's result as it is stored with the query and sent: the rows and, for a
/// single-value answer to a question, that value again under its column name
/// (`"total_revenue": 1234.5`, the shape the API specification shows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResultData {
    #[serde(flatten)]
    pub result: QueryResult,
    /// At most one entry: the single value under its column name.
    #[serde(flatten)]
    #[schema(value_type = BTreeMap<String, engine::Cell>)]
    pub named_value: BTreeMap<String, Value>,
}

impl ResultData {
    /// A result as it is.
    pub fn plain(result: QueryResult) -> ResultData {
        ResultData {
            result,
            named_value: BTreeMap::new(),
        }
    }

    /// A result with its single value (one column, one row) also named.
    pub fn with_named_value(result: QueryResult) -> ResultData {
        let mut named_value = BTreeMap::new();
        if let ([column], [row]) = (result.columns.as_slice(), result.rows.as_slice()) {
            if let Some(value) = row.first() {
                named_value.insert(column.name.clone(), value.clone());
            }
        }
        ResultData {
            result,
            named_value,
        }
    }

    /// The result stored with a query; none for a query that holds no result
    /// (a clarification stores `{}`).
    pub fn from_stored(stored: Value) -> Option<ResultData> {
        serde_json::from_value(stored).ok()
    }
}

/// The tables a query for `source` can see: every source of the user under its
/// SQL-safe name, and `source` also as `data`.
pub struct QueryScope {
    pub tables: Vec<TableRef>,
    pub default_table: String,
    pub versions: Vec<(String, i64)>,
}

pub async fn scope_for(
    state: &AppState,
    user: UserId,
    source_id: DataSourceId,
) -> Result<QueryScope, QueryError> {
    let sources = state.store.list_source_tables(user).await?;
    if !sources.iter().any(|s| s.id == source_id) {
        return Err(QueryError::SourceNotFound);
    }
    let names = table_names(&sources);
    let mut tables = Vec::with_capacity(sources.len());
    let mut versions = Vec::with_capacity(sources.len());
    let mut default_table = None;
    for (id, name) in names {
        let Some(s) = sources.iter().find(|s| s.id == id) else {
            continue;
        };
        let Some(key) = &s.file_path else { continue };
        if id == source_id {
            default_table = Some(name.clone());
        }
        versions.push((format!("{name}:{id}"), s.version));
        tables.push(
            TableRef::new(name, state.settings.data_dir.join(key))
                .with_columns(s.columns.columns.clone()),
        );
    }
    let default_table = default_table.ok_or(QueryError::NotQueryable)?;
    Ok(QueryScope {
        tables,
        default_table,
        versions,
    })
}

/// A local file with the snapshot stored at `key` (the file itself for local
/// storage; a cached download for object stores).
pub async fn snapshot_path(state: &AppState, key: &str) -> Result<std::path::PathBuf, QueryError> {
    Ok(state
        .storage
        .local_copy(key, &downloaded_snapshot(state, key))
        .await?)
}

/// Where [`snapshot_path`] puts the download of an object-store snapshot.
fn downloaded_snapshot(state: &AppState, key: &str) -> std::path::PathBuf {
    state.settings.data_dir.join("cache").join(key)
}

/// Forget what the query sandbox keeps of the snapshot at `key` (it is being deleted).
pub fn forget_snapshot(state: &AppState, key: &str) {
    if let Ok(Some(local)) = state.storage.local_path(key) {
        state.sandbox.forget_snapshot(&local);
    }
    state
        .sandbox
        .forget_snapshot(&downloaded_snapshot(state, key));
}

/// Executes `sql` against the user's source `source_id` (and the user's other
/// sources), using the result cache keyed by the SQL and every visible table's
/// snapshot version. Another user's source is a 404.
pub async fn run_sql(
    state: &AppState,
    user: UserId,
    source_id: DataSourceId,
    sql: &str,
) -> Result<SqlRun, QueryError> {
    let started = Instant::now();
    let scope = scope_for(state, user, source_id).await?;
    let key = result_key(&source_id.to_string(), sql, &scope.versions);
    if let Some(bytes) = state.cache.get(&key).await {
        if let Ok(result) = serde_json::from_slice::<QueryResult>(&bytes) {
            return Ok(SqlRun {
                result,
                cached: true,
                execution_time_ms: elapsed_ms(started),
            });
        }
    }
    let result = state
        .sandbox
        .execute(&scope.tables, Some(&scope.default_table), sql)
        .await?;
    if let Ok(bytes) = serde_json::to_vec(&result) {
        state.cache.set(&key, Arc::from(bytes), RESULT_TTL).await;
    }
    Ok(SqlRun {
        result,
        cached: false,
        execution_time_ms: elapsed_ms(started),
    })
}

fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// Runs user-typed SQL and records it in the history.
pub async fn execute_and_record(
    state: &AppState,
    user: UserId,
    data_source_id: DataSourceId,
    sql: &str,
) -> Result<(Query, bool), QueryError> {
    // The source is looked up with the user's other tables (one light listing,
    // cached in embedded mode); the history row is written with others queued.
    let run = run_sql(state, user, data_source_id, sql).await?;
    let query = state
        .store
        .create_query(NewQuery {
            user_id: user,
            data_source_id: Some(data_source_id),
            query_text: sql.to_string(),
            query_type: QueryType::Sql,
            interpreted_query: Some(sql.to_string()),
            details: Some(store::QueryDetails {
                cached: run.cached,
                ..Default::default()
            }),
            result_data: serde_json::to_value(ResultData::plain(run.result))?,
            execution_time_ms: run.execution_time_ms,
        })
        .await?;
    Ok((query, run.cached))
}
