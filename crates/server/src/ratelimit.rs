//! Rate limits (SPEC: auth 5/min per IP, queries 30/min and uploads 10/h per user,
//! everything else 100/min per IP) with counters kept in-process or,
//! when `REDIS_URL` is set, in Redis so every replica sees the same counts.
//!
//! How to apply a limit:
//! - a class to one handler: add an argument `_: RateLimit<Queries>` (or
//!   `RateLimit<Uploads>`, `RateLimit<Auth>`) to the handler. Per-user classes use
//!   the caller's account when the request carries valid credentials, else the IP.
//! - the general 100/min-per-IP limit to every `/api` route: in `app()`,
//!   `.layer(axum::middleware::from_fn_with_state(state.clone(), ratelimit::general_limit))`.
//!
//! Over the limit, the request is answered `429 rate_limited` with `Retry-After`.

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::{AppState, Settings};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};
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

/// Counts one request against `C` before the handler runs, or answers 429.
pub struct RateLimit<C>(PhantomData<C>);

impl<C: LimitClass> FromRequestParts<AppState> for RateLimit<C> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if !state.rate_limiter.enabled() {
            return Ok(Self(PhantomData));
        }
        let ip = client_ip(parts, &state.settings.trusted_proxies)
            .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
        let subject = match C::KEY {
            KeyBy::Ip => format!("ip:{ip}"),
            KeyBy::IpAndRoute => format!("ip:{ip}:{}", parts.uri.path()),
            // Failed authentication is left for the handler to report; the request
            // still counts, against the address.
            KeyBy::UserOrIp => match CurrentUser::from_request_parts(parts, state).await {
                Ok(user) => format!("user:{}", user.id()),
                Err(_) => format!("ip:{ip}"),
            },
        };
        state
            .rate_limiter
            .check(C::NAME, &subject, C::LIMIT, C::WINDOW_SECS)
            .await?;
        Ok(Self(PhantomData))
    }
}

/// Middleware for the general limit on `/api` routes (health checks excepted).
pub async fn general_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") && path != "/api/v1/health" {
        let (mut parts, body) = request.into_parts();
        if let Err(err) = RateLimit::<General>::from_request_parts(&mut parts, &state).await {
            return err.into_response();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(request).await
}

/// The client's address: the TCP peer, or, when the peer is a trusted proxy, the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
pub fn client_ip(parts: &Parts, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()?
        .0
        .ip()
        .to_canonical();
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
        .collect();
    // Entries left of the first untrusted hop were written by the client: never trust them.
    let client = forwarded
        .iter()
        .rev()
        .find(|ip| !trusted_proxies.contains(ip))
        .or(forwarded.first());
    Some(client.copied().unwrap_or(peer))
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

    fn parts(peer: &str, xff: Option<&str>) -> Parts {
        let mut builder = axum::http::Request::builder();
        if let Some(xff) = xff {
            builder = builder.header("x-forwarded-for", xff);
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        parts
    }

    #[test]
    fn forwarded_for_is_trusted_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert_eq!(
            client_ip(&parts("10.0.0.1:5", Some("1.2.3.4")), &[]),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_ip(&parts("10.0.0.1:5", Some("1.2.3.4")), &[proxy]),
            ip("1.2.3.4")
        );
        assert_eq!(
            client_ip(&parts("9.9.9.9:5", Some("1.2.3.4")), &[proxy]),
            ip("9.9.9.9")
        );
        // A client-supplied left part cannot spoof past the proxy's own entry.
        assert_eq!(
            client_ip(&parts("10.0.0.1:5", Some("6.6.6.6, 1.2.3.4")), &[proxy]),
            ip("1.2.3.4")
        );
        assert_eq!(
            client_ip(&parts("10.0.0.1:5", None), &[proxy]),
            ip("10.0.0.1")
        );
    }

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
