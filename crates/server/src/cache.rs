//! The result and preview cache: in-process (moka) by default, Redis when
//! configured. A cache never fails a request: Redis errors degrade to misses.

use async_trait::async_trait;
use redis::AsyncCommands;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Query results live 5 minutes (SPEC "Caching").
pub const RESULT_TTL: Duration = Duration::from_secs(5 * 60);
/// Data-source previews live 1 hour.
pub const PREVIEW_TTL: Duration = Duration::from_secs(60 * 60);

#[async_trait]
pub trait Cache: Send + Sync + 'static {
    /// `memory` or `redis`.
    fn backend(&self) -> &'static str;
    async fn get(&self, key: &str) -> Option<Arc<[u8]>>;
    async fn set(&self, key: &str, value: Arc<[u8]>, ttl: Duration);
    /// Whether the backing service answers (always true in process).
    async fn healthy(&self) -> bool;
}

pub type DynCache = Arc<dyn Cache>;

/// `query:{data_source_id}:{hash}` where the hash covers the normalized SQL and
/// the snapshot version of every table the query can see, so a re-upload or
/// sync never serves a stale result.
pub fn result_key(data_source_id: &str, sql: &str, table_versions: &[(String, i64)]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(normalize_sql(sql).as_bytes());
    for (name, version) in table_versions {
        hasher.update(b"\0");
        hasher.update(name.as_bytes());
        hasher.update(version.to_le_bytes());
    }
    format!(
        "query:{data_source_id}:{}",
        hex::encode(&hasher.finalize()[..16])
    )
}

/// Insights are recomputed only when the snapshot changes (the key has its version).
pub const INSIGHTS_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Bumped when the report's shape or its analyses change, so a shared cache never
/// serves a report computed by an older server.
const INSIGHTS_FORMAT: u32 = 2;

/// `insights:v{format}:{data_source_id}:{version}`.
pub fn insights_key(data_source_id: &str, version: i64) -> String {
    format!("insights:v{INSIGHTS_FORMAT}:{data_source_id}:{version}")
}

/// `preview:{data_source_id}:{version}:{offset}:{limit}`.
pub fn preview_key(data_source_id: &str, version: i64, offset: usize, limit: usize) -> String {
    format!("preview:{data_source_id}:{version}:{offset}:{limit}")
}

/// Collapses whitespace outside string literals and drops a trailing `;`, so
/// trivially different spellings of one query share an entry.
pub fn normalize_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_quote: Option<char> = None;
    let mut pending_space = false;
    for c in sql.trim().trim_end_matches(';').trim_end().chars() {
        match in_quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    in_quote = None;
                }
            }
            None if c.is_whitespace() => pending_space = true,
            None => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                if c == '\'' || c == '"' {
                    in_quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// In-process cache with a per-entry time to live.
pub struct MemoryCache {
    entries: moka::future::Cache<String, Entry>,
}

#[derive(Clone)]
struct Entry {
    value: Arc<[u8]>,
    ttl: Duration,
}

struct EntryTtl;

impl moka::Expiry<String, Entry> for EntryTtl {
    fn expire_after_create(
        &self,
        _key: &String,
        entry: &Entry,
        _now: std::time::Instant,
    ) -> Option<Duration> {
        Some(entry.ttl)
    }
}

impl MemoryCache {
    /// Bounded by total bytes so large results cannot exhaust memory.
    pub fn new(max_bytes: u64) -> Self {
        let entries = moka::future::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, entry: &Entry| {
                u32::try_from(key.len() + entry.value.len()).unwrap_or(u32::MAX)
            })
            .expire_after(EntryTtl)
            .build();
        Self { entries }
    }
}

#[async_trait]
impl Cache for MemoryCache {
    fn backend(&self) -> &'static str {
        "memory"
    }

    async fn get(&self, key: &str) -> Option<Arc<[u8]>> {
        self.entries.get(key).await.map(|e| e.value)
    }

    async fn set(&self, key: &str, value: Arc<[u8]>, ttl: Duration) {
        self.entries
            .insert(key.to_string(), Entry { value, ttl })
            .await;
    }

    async fn healthy(&self) -> bool {
        true
    }
}

/// Redis-backed cache shared by every server replica.
pub struct RedisCache {
    connection: redis::aio::ConnectionManager,
    prefix: String,
    last_warning: AtomicU64,
}

impl RedisCache {
    /// Connects to `url`; keys are stored under `prefix` (e.g. `insightiq:`).
    pub async fn connect(url: &str, prefix: &str) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(2))
            .set_response_timeout(Duration::from_secs(2))
            .set_number_of_retries(1);
        let connection = redis::aio::ConnectionManager::new_with_config(client, config).await?;
        Ok(Self {
            connection,
            prefix: prefix.to_string(),
            last_warning: AtomicU64::new(0),
        })
    }

    /// Logs a degraded cache at most once a minute, never with the URL.
    fn warn(&self, err: &redis::RedisError) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let last = self.last_warning.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= 60
            && self
                .last_warning
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(error = %err.kind_str(), "redis cache unavailable; serving without cache");
        }
    }
}

trait ErrorKindName {
    fn kind_str(&self) -> String;
}

impl ErrorKindName for redis::RedisError {
    fn kind_str(&self) -> String {
        format!("{:?}", self.kind())
    }
}

#[async_trait]
impl Cache for RedisCache {
    fn backend(&self) -> &'static str {
        "redis"
    }

    async fn get(&self, key: &str) -> Option<Arc<[u8]>> {
        let mut conn = self.connection.clone();
        match conn
            .get::<_, Option<Vec<u8>>>(format!("{}{key}", self.prefix))
            .await
        {
            Ok(value) => value.map(Arc::from),
            Err(err) => {
                self.warn(&err);
                None
            }
        }
    }

    async fn set(&self, key: &str, value: Arc<[u8]>, ttl: Duration) {
        let mut conn = self.connection.clone();
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let result: redis::RedisResult<()> = conn
            .pset_ex(format!("{}{key}", self.prefix), value.as_ref(), millis)
            .await;
        if let Err(err) = result {
            self.warn(&err);
        }
    }

    async fn healthy(&self) -> bool {
        let mut conn = self.connection.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_spacing_but_not_literals() {
        assert_eq!(
            normalize_sql("SELECT  a,\n b FROM t ;"),
            "SELECT a, b FROM t"
        );
        assert_ne!(
            normalize_sql("select 'a  b'"),
            normalize_sql("select 'a b'")
        );
    }

    #[test]
    fn result_keys_change_with_versions() {
        let v1 = result_key("ds", "select 1", &[("data".into(), 1)]);
        let v2 = result_key("ds", "select 1", &[("data".into(), 2)]);
        assert!(v1.starts_with("query:ds:"));
        assert_ne!(v1, v2);
        assert_eq!(v1, result_key("ds", "select   1;", &[("data".into(), 1)]));
    }
}
