//! Rows of the metadata tables and the inputs that create or change them.

use chrono::{DateTime, Utc};
use domain::{
    ApiKeyId, ChartSpec, ChartType, DataSourceId, Interpretation, LlmTrace, Profile, QueryId,
    QueryType, SchemaNames, SessionId, SourceSchema, SourceStatus, SourceType, TileId, UserId,
    VisualizationId,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;
use std::fmt;
use uuid::Uuid;

#[derive(Clone, sqlx::FromRow)]
pub struct User {
    #[sqlx(try_from = "Uuid")]
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub avatar_path: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub is_active: bool,
    pub is_verified: bool,
    pub last_login: Option<DateTime<Utc>>,
}

// The hash is not the password, but it is still nothing a log should carry.
impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("is_active", &self.is_active)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub is_verified: bool,
}

/// Fields to change on a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub password_hash: Option<String>,
    pub avatar_path: Option<String>,
    pub is_active: Option<bool>,
    pub is_verified: Option<bool>,
    pub last_login: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DataSource {
    #[sqlx(try_from = "Uuid")]
    pub id: DataSourceId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub name: String,
    pub description: Option<String>,
    #[sqlx(rename = "type", try_from = "String")]
    pub source_type: SourceType,
    #[sqlx(try_from = "String")]
    pub status: SourceStatus,
    pub status_message: Option<String>,
    /// Storage key of the Parquet snapshot.
    pub file_path: Option<String>,
    /// Storage key of the original upload.
    pub original_path: Option<String>,
    pub connection_info: Option<Json<Value>>,
    pub row_count: i64,
    /// Size of the uploaded file.
    pub file_size: i64,
    /// Bytes kept on storage for this source: original plus snapshot.
    pub storage_bytes: i64,
    /// The columns with their types, statistics, value index and the user's notes.
    pub columns_info: Json<SourceSchema>,
    pub profile: Option<Json<Profile>>,
    /// Bumped whenever the snapshot changes, so cached results never go stale.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Whether the LLM prompt may include distinct sample values of
    /// low-cardinality columns (off until the owner allows it).
    pub share_sample_values: bool,
    /// Sync every this many minutes (connected sources only); `None`: on request.
    pub sync_interval_minutes: Option<i64>,
    /// What the last successful sync changed.
    pub sync_report: Option<Json<domain::SyncReport>>,
}

/// What a query needs to know of each of a user's sources: the table it is
/// registered as, its snapshot, the snapshot's version and the column names
/// (no profile or statistics, so listing them stays cheap on every query).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SourceTable {
    #[sqlx(try_from = "Uuid")]
    pub id: DataSourceId,
    pub name: String,
    /// Storage key of the Parquet snapshot.
    pub file_path: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// Headers and SQL names of the columns, so SQL may use either.
    #[sqlx(rename = "columns_info")]
    pub columns: Json<SchemaNames>,
}

#[derive(Debug, Clone)]
pub struct NewDataSource {
    pub id: DataSourceId,
    pub user_id: UserId,
    pub name: String,
    pub description: Option<String>,
    pub source_type: SourceType,
    pub status: SourceStatus,
    pub file_path: Option<String>,
    pub original_path: Option<String>,
    pub connection_info: Option<Value>,
    pub row_count: i64,
    pub file_size: i64,
    pub storage_bytes: i64,
    pub columns_info: SourceSchema,
    pub profile: Option<Profile>,
}

/// Fields to change on a data source; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DataSourceUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: Option<SourceStatus>,
    pub status_message: Option<String>,
    pub columns_info: Option<SourceSchema>,
    pub profile: Option<Profile>,
    pub row_count: Option<i64>,
    pub file_size: Option<i64>,
    pub storage_bytes: Option<i64>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub share_sample_values: Option<bool>,
    /// A new snapshot's storage key (with `bump_version`).
    pub file_path: Option<String>,
    /// A replacing upload's storage key.
    pub original_path: Option<String>,
    pub connection_info: Option<Value>,
    /// `Some(None)` turns the schedule off.
    pub sync_interval_minutes: Option<Option<i64>>,
    pub sync_report: Option<domain::SyncReport>,
    /// Set when a new snapshot replaced the old one.
    pub bump_version: bool,
}

/// A source the sync scheduler may have to pick up: scheduled, or left
/// `syncing` by a server that stopped (its lease then runs out).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SyncCandidate {
    #[sqlx(try_from = "Uuid")]
    pub id: DataSourceId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    #[sqlx(try_from = "String")]
    pub status: SourceStatus,
    pub sync_interval_minutes: Option<i64>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Milliseconds since the epoch; `None` when no server holds the lease.
    pub sync_lease_until: Option<i64>,
}

/// How a query was answered, stored with it. Every field is optional so rows
/// written by any earlier version read back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueryDetails {
    /// `needs_clarification` for a question the engine could not ground.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AnswerStatus>,
    /// `rules` (the offline engine) or `llm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The engine's reading of the question. A reading this version cannot read
    /// (written by a future or a much older version) is dropped, not the query.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "readable_or_none"
    )]
    pub interpretation: Option<Interpretation>,
    /// The result came from the result cache.
    #[serde(default)]
    pub cached: bool,
    /// How the language model wrote the SQL (or tried to), when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm: Option<LlmTrace>,
    /// What a clarification asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
}

/// `Some(value)` when the JSON is a `T`, `None` otherwise (never an error).
fn readable_or_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

/// Whether a question was answered or sent back with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    Answered,
    NeedsClarification,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Query {
    #[sqlx(try_from = "Uuid")]
    pub id: QueryId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub data_source_id: Option<Uuid>,
    pub query_text: String,
    #[sqlx(try_from = "String")]
    pub query_type: QueryType,
    pub interpreted_query: Option<String>,
    /// How the query was answered (engine, confidence, interpretation, cache).
    pub details: Option<Json<QueryDetails>>,
    pub result_data: Json<Value>,
    pub execution_time_ms: i64,
    pub is_saved: bool,
    pub created_at: DateTime<Utc>,
}

impl Query {
    /// The history record for `query`, ready for `insert_queries`: a new
    /// time-ordered id (new rows then go to the end of the primary-key index
    /// rather than to a random page of it) and the current time as both backends
    /// store it (PostgreSQL keeps microseconds).
    pub fn new_record(query: NewQuery) -> Query {
        use chrono::SubsecRound;
        let now = Utc::now().trunc_subsecs(6);
        let random = *Uuid::new_v4().as_bytes();
        let mut counter_random = [0u8; 10];
        counter_random.copy_from_slice(&random[..10]);
        let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        let id = uuid::Builder::from_unix_timestamp_millis(millis, &counter_random).into_uuid();
        Query {
            id: QueryId(id),
            user_id: query.user_id,
            data_source_id: query.data_source_id.map(|d| d.0),
            query_text: query.query_text,
            query_type: query.query_type,
            interpreted_query: query.interpreted_query,
            details: query.details.map(Json),
            result_data: Json(query.result_data),
            execution_time_ms: query.execution_time_ms,
            is_saved: false,
            created_at: now,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewQuery {
    pub user_id: UserId,
    pub data_source_id: Option<DataSourceId>,
    pub query_text: String,
    pub query_type: QueryType,
    pub interpreted_query: Option<String>,
    pub details: Option<QueryDetails>,
    pub result_data: Value,
    pub execution_time_ms: i64,
}

#[derive(Debug, Clone, Default)]
pub struct QueryFilter {
    pub data_source_id: Option<DataSourceId>,
    pub query_type: Option<QueryType>,
    /// Case-insensitive substring of the query text.
    pub search: Option<String>,
    pub saved_only: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Visualization {
    #[sqlx(try_from = "Uuid")]
    pub id: VisualizationId,
    #[sqlx(try_from = "Uuid")]
    pub query_id: QueryId,
    #[sqlx(try_from = "String")]
    pub chart_type: ChartType,
    pub config_json: Json<ChartSpec>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewVisualization {
    pub query_id: QueryId,
    pub chart_type: ChartType,
    pub config_json: ChartSpec,
}

#[derive(Debug, Clone, Default)]
pub struct VisualizationUpdate {
    pub chart_type: Option<ChartType>,
    pub config_json: Option<ChartSpec>,
}

/// An answer pinned to a user's dashboard, with its own copy of the SQL and chart.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DashboardTile {
    #[sqlx(try_from = "Uuid")]
    pub id: TileId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    /// The history entry it was pinned from (gone when that was deleted).
    pub query_id: Option<Uuid>,
    /// The source the SQL runs against (`None` once the source was deleted).
    pub data_source_id: Option<Uuid>,
    /// The source's name when the tile was pinned, to say what was deleted.
    pub source_name: String,
    pub title: String,
    pub sql_text: String,
    /// The chart as it was when pinned; `None` leaves it to the web app's default.
    pub chart: Option<Json<ChartSpec>>,
    /// Order on the dashboard, smallest first.
    pub position: i64,
    /// Grid columns (1–3) and rows (1–2) the tile spans.
    pub width: i64,
    pub height: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewDashboardTile {
    pub user_id: UserId,
    pub query_id: Option<QueryId>,
    pub data_source_id: DataSourceId,
    pub source_name: String,
    pub title: String,
    pub sql_text: String,
    pub chart: Option<ChartSpec>,
    pub width: i64,
    pub height: i64,
}

#[derive(Debug, Clone, Default)]
pub struct TileUpdate {
    pub title: Option<String>,
    pub chart: Option<ChartSpec>,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKey {
    #[sqlx(try_from = "Uuid")]
    pub id: ApiKeyId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub key_name: String,
    pub key_hash: String,
    pub key_prefix: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub user_id: UserId,
    pub key_name: String,
    pub key_hash: String,
    pub key_prefix: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    #[sqlx(try_from = "Uuid")]
    pub id: SessionId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub family_id: Uuid,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub user_id: UserId,
    pub family_id: Uuid,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthToken {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub purpose: String,
    pub token_hash: String,
    /// The address the token was sent to (a pending new address for email changes).
    pub email: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewAuthToken {
    pub user_id: UserId,
    pub purpose: TokenPurpose,
    pub token_hash: String,
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// 1-based page number.
    pub page: i64,
    pub page_size: i64,
}

impl Page {
    pub const MAX_SIZE: i64 = 100;

    pub fn new(page: Option<i64>, page_size: Option<i64>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            page_size: page_size.unwrap_or(20).clamp(1, Self::MAX_SIZE),
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.page_size
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::new(None, None)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// Counters for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserStats {
    pub data_sources_count: i64,
    pub queries_count: i64,
    pub queries_this_month: i64,
    /// Data sources queried in the last 30 days.
    pub active_datasets: i64,
    /// Sum of the recorded file sizes (original + snapshot) of the user's sources.
    pub storage_used_bytes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DailyQueryCount {
    /// `YYYY-MM-DD` in UTC.
    pub day: String,
    pub query_type: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SourceQueryCount {
    pub data_source_id: Uuid,
    pub name: String,
    pub queries: i64,
}

/// Tokens one question spent on the language model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLlmUsage {
    pub user_id: UserId,
    /// The API key the question came with (`None` for a login).
    pub api_key_id: Option<ApiKeyId>,
    pub query_id: Option<QueryId>,
    pub model: String,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

/// Whose tokens to add up: a user's, or one of their API keys'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageScope {
    User(UserId),
    ApiKey(UserId, ApiKeyId),
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DailyLlmTokens {
    /// `YYYY-MM-DD` in UTC.
    pub day: String,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_details_written_before_the_typed_record_still_read() {
        let answered: QueryDetails = serde_json::from_value(serde_json::json!({
            "status": "answered", "engine": "rules", "confidence": 0.83,
            "interpretation": {"summary": "Total revenue"}, "cached": false
        }))
        .unwrap();
        assert_eq!(answered.status, Some(AnswerStatus::Answered));
        assert_eq!(answered.confidence, Some(0.83));
        let sql: QueryDetails =
            serde_json::from_value(serde_json::json!({"cached": true})).unwrap();
        assert!(sql.cached && sql.status.is_none());
        let asked: QueryDetails = serde_json::from_value(serde_json::json!({
            "status": "needs_clarification", "engine": "rules",
            "message": "Which column?", "suggestions": ["total revenue"]
        }))
        .unwrap();
        assert_eq!(asked.status, Some(AnswerStatus::NeedsClarification));
        assert_eq!(asked.suggestions, ["total revenue"]);
    }
}
