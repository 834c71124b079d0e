//! Rate limits (SPEC: auth 5/min per IP, queries 30/min and uploads 10/h per user,
//! everything else 100/min per IP): the limit classes and the counters, kept
//! in-process or, when `REDIS_URL` is set, in Redis so every replica sees the
//! same counts. `crate::limits` applies them to requests.

use crate::config::Settings;
use crate::error::ApiError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What a limit counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyBy {
    /// The client address.
    Ip,
    /// The client address, separately for each route.
    IpAndRoute,
    /// The authenticated user, or the client address for anonymous requests.
    UserOrIp,
}

/// A named limit: at most `LIMIT` requests per `WINDOW_SECS` per key.
pub trait LimitClass: Send + Sync + 'static {
    const NAME: &'static str;
    const LIMIT: u64;
    const WINDOW_SECS: u64;
    const KEY: KeyBy;
}

/// Sign-in attempts and other unauthenticated account endpoints: 5 per minute per IP and route.
pub struct Auth;
/// Questions and SQL: 30 per minute per user.
pub struct Queries;
/// File uploads: 10 per hour per user.
pub struct Uploads;
/// Everything else: 100 per minute per IP.
pub struct General;

impl LimitClass for Auth {
    const NAME: &'static str = "auth";
    const LIMIT: u64 = 5;
    const WINDOW_SECS: u64 = 60;
    const KEY: KeyBy = KeyBy::IpAndRoute;
}

impl LimitClass for Queries {
    const NAME: &'static str = "queries";
    const LIMIT: u64 = 30;
    const WINDOW_SECS: u64 = 60;
    const KEY: KeyBy = KeyBy::UserOrIp;
}

impl LimitClass for Uploads {
    const NAME: &'static str = "uploads";
    const LIMIT: u64 = 10;
    const WINDOW_SECS: u64 = 3600;
    const KEY: KeyBy = KeyBy::UserOrIp;
}

impl LimitClass for General {
    const NAME: &'static str = "general";
    const LIMIT: u64 = 100;
    const WINDOW_SECS: u64 = 60;
    const KEY: KeyBy = KeyBy::Ip;
}

enum Backend {
    Local(moka::future::Cache<String, Arc<AtomicU64>>),
    Redis {
        redis: redis::aio::ConnectionManager,
        prefix: String,
    },
}

// GCRA in Redis: the key holds the "theoretical arrival time" in ms. Returns 0 when
// the request is allowed, else the ms to wait. Redis's clock is used so that every
// replica agrees.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - now > window then return new_tat - window - now end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
return 0";

/// Counters shared by every limit class. Each limit is a GCRA (a token bucket of
/// `limit` requests refilled evenly over the window): bursts up to the limit are
/// fine, and there is no window edge at which twice the limit gets through.
pub struct RateLimiter {
    backend: Backend,
    enabled: bool,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match self.backend {
            Backend::Local(_) => "in-process",
            Backend::Redis { .. } => "redis",
        };
        f.debug_struct("RateLimiter")
            .field("backend", &backend)
            .field("enabled", &self.enabled)
            .finish()
    }
}

impl RateLimiter {
    pub fn new(settings: &Settings, redis: Option<redis::aio::ConnectionManager>) -> Self {
        let backend = match redis {
            Some(redis) => Backend::Redis {
                redis,
                prefix: settings.redis_prefix.clone(),
            },
            None => Backend::Local(
                moka::future::Cache::builder()
                    .max_capacity(200_000)
                    // An idle key is back to a full bucket after one window anyway.
                    .time_to_idle(Duration::from_secs(Uploads::WINDOW_SECS + 60))
                    .build(),
            ),
        };
        Self {
            backend,
            enabled: settings.rate_limits_enabled,
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Counts one request of `subject` in `class`; `RateLimited` once over `limit`.
    pub async fn check(
        &self,
        class: &str,
        subject: &str,
        limit: u64,
        window_secs: u64,
    ) -> Result<(), ApiError> {
        let window = window_secs * 1000;
        let interval = (window / limit.max(1)).max(1);
        let key = format!("rl:{class}:{subject}");
        let wait_ms = match &self.backend {
            Backend::Local(cache) => {
                let now = chrono::Utc::now().timestamp_millis().max(0) as u64;
                let cell = cache
                    .get_with(key, async { Arc::new(AtomicU64::new(0)) })
                    .await;
                loop {
                    let stored = cell.load(Ordering::Acquire);
                    let new_tat = stored.max(now) + interval;
                    if new_tat - now > window {
                        break new_tat - window - now;
                    }
                    if cell
                        .compare_exchange(stored, new_tat, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok()
                    {
                        break 0;
                    }
                }
            }
            Backend::Redis { redis, prefix } => {
                let mut conn = redis.clone();
                let result: Result<u64, _> = redis::Script::new(GCRA)
                    .key(format!("{prefix}{key}"))
                    .arg(interval)
                    .arg(window)
                    .invoke_async(&mut conn)
                    .await;
                match result {
                    Ok(wait) => wait,
                    Err(err) => {
                        // Fail open: an unreachable Redis must not take the whole API down.
                        tracing::warn!(%err, "rate limiter cannot reach Redis; letting the request through");
                        0
                    }
                }
            }
        };
        if wait_ms > 0 {
            return Err(ApiError::RateLimited {
                retry_after_secs: wait_ms.div_ceil(1000).max(1),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_counter_limits_per_subject() {
        let dir = tempfile::tempdir().unwrap();
        let limiter = RateLimiter::new(&Settings::for_tests(dir.path().to_path_buf()), None);
        for _ in 0..3 {
            limiter.check("t", "a", 3, 60).await.unwrap();
        }
        match limiter.check("t", "a", 3, 60).await {
            // One request's worth refills every 20 s.
            Err(ApiError::RateLimited { retry_after_secs }) => {
                assert!((19..=20).contains(&retry_after_secs))
            }
            other => panic!("expected a 429, got {other:?}"),
        }
        limiter.check("t", "b", 3, 60).await.unwrap();
    }
}
