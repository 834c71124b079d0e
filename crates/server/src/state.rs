//! Shared application state handed to every handler, built once at start-up
//! from `Settings` by `AppState::build` (the same path for the binary and tests).

use crate::auth::AuthService;
use crate::cache::{DynCache, MemoryCache, RedisCache};
use crate::config::{Secret, ServeArgs};
use crate::history::History;
use crate::ratelimit::RateLimiter;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use store::DynStore;

#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    /// Records query history (rows written in groups).
    pub history: History,
    pub settings: Arc<Settings>,
    pub cache: DynCache,
    /// Accounts, tokens, API keys, sessions and account email.
    pub auth: Arc<AuthService>,
    pub rate_limiter: Arc<RateLimiter>,
    /// Runs every SQL statement: only the caller's tables, time/memory/row limits.
    pub sandbox: engine::Sandbox,
    /// Originals and snapshots (a local directory through `object_store`).
    pub storage: engine::storage::Storage,
}

impl AppState {
    /// Wires every service the handlers use from the settings.
    pub async fn build(settings: Settings, store: DynStore) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&settings.data_dir)?;
        let cache = build_cache(&settings).await;
        let redis = connect_redis(&settings).await;
        let auth = Arc::new(AuthService::new(&settings, store.clone(), redis.clone())?);
        let rate_limiter = Arc::new(RateLimiter::new(&settings, redis));
        let sandbox = engine::Sandbox::new(engine::SandboxLimits {
            timeout: std::time::Duration::from_secs(settings.query_timeout_secs),
            memory_bytes: usize::try_from(settings.query_memory_mb * 1024 * 1024)
                .unwrap_or(usize::MAX),
            max_rows: settings.max_result_rows,
            column_cache_bytes: settings.column_cache_mb * 1024 * 1024,
            ..Default::default()
        })?;
        let storage = engine::storage::Storage::local(&settings.data_dir)?;
        Ok(Self {
            // Only the embedded store is read by this process alone.
            history: History::start(store.clone(), store.backend() != "sqlite"),
            sandbox,
            storage,
            store,
            settings: Arc::new(settings),
            cache,
            auth,
            rate_limiter,
        })
    }
}

/// The Redis connection for sessions and rate limits; `None` (with a warning,
/// falling back to the sessions table and in-process limits) when unreachable.
async fn connect_redis(settings: &Settings) -> Option<redis::aio::ConnectionManager> {
    let url = settings.redis_url.as_ref()?;
    let connected = match redis::Client::open(url.expose()) {
        Ok(client) => client.get_connection_manager().await,
        Err(err) => Err(err),
    };
    match connected {
        Ok(manager) => Some(manager),
        Err(err) => {
            tracing::warn!(error = ?err.kind(), "REDIS_URL is set but Redis is unreachable; \
                sessions use the metadata store and rate limits count per process");
            None
        }
    }
}

/// Redis when configured and reachable; otherwise the in-process cache.
async fn build_cache(settings: &Settings) -> DynCache {
    if let Some(url) = &settings.redis_url {
        match RedisCache::connect(url.expose(), "insightiq:").await {
            Ok(cache) => return Arc::new(cache),
            Err(err) => tracing::warn!(
                error = ?err.kind(),
                "REDIS_URL is set but Redis is unreachable; using the in-process cache"
            ),
        }
    }
    Arc::new(MemoryCache::new(256 * 1024 * 1024))
}

/// Everything configurable, resolved once at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub production: bool,
    pub data_dir: PathBuf,
    pub web_dir: PathBuf,
    pub cors_origin: Option<String>,
    pub redis_url: Option<Secret>,
    /// Prefix of every key this server keeps in Redis (tests use a unique one).
    pub redis_prefix: String,
    pub jwt_secret_key: Option<Secret>,
    pub jwt_refresh_secret_key: Option<Secret>,
    pub max_upload_bytes: u64,
    pub storage_limit_bytes: u64,
    pub query_timeout_secs: u64,
    pub query_memory_mb: u64,
    pub column_cache_mb: u64,
    pub max_result_rows: usize,
    pub trusted_proxies: Vec<IpAddr>,
    pub rate_limits_enabled: bool,
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub public_url: String,
    pub seed_demo: bool,
}

impl Settings {
    pub fn from_args(args: &ServeArgs) -> Self {
        Self {
            production: args.is_production(),
            data_dir: args.store.data_dir.clone(),
            web_dir: args.web_dir.clone(),
            cors_origin: args.cors_origin.clone(),
            redis_url: args.redis_url.clone().filter(|u| !u.expose().is_empty()),
            redis_prefix: "insightiq:".into(),
            jwt_secret_key: args
                .jwt_secret_key
                .clone()
                .filter(|s| !s.expose().is_empty()),
            jwt_refresh_secret_key: args
                .jwt_refresh_secret_key
                .clone()
                .filter(|s| !s.expose().is_empty()),
            max_upload_bytes: args.max_upload_mb * 1024 * 1024,
            storage_limit_bytes: args.storage_limit_bytes,
            query_timeout_secs: args.query_timeout_secs,
            query_memory_mb: args.query_memory_mb,
            column_cache_mb: args.column_cache_mb,
            max_result_rows: args.max_result_rows,
            trusted_proxies: args.trusted_proxies.clone(),
            rate_limits_enabled: !args.disable_rate_limits,
            smtp_url: args.smtp_url.clone().filter(|u| !u.expose().is_empty()),
            mail_from: args.mail_from.clone(),
            public_url: args.public_url.clone(),
            seed_demo: !args.no_demo && !args.is_production(),
        }
    }

    /// Settings for tests: everything under `data_dir`, no web app, no demo.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            production: false,
            web_dir: data_dir.join("no-web"),
            data_dir,
            cors_origin: None,
            redis_url: None,
            redis_prefix: format!("insightiq-test-{}:", uuid::Uuid::new_v4().simple()),
            jwt_secret_key: None,
            jwt_refresh_secret_key: None,
            max_upload_bytes: 100 * 1024 * 1024,
            storage_limit_bytes: 10 * 1024 * 1024 * 1024,
            query_timeout_secs: 30,
            query_memory_mb: 512,
            column_cache_mb: 64,
            max_result_rows: 10_000,
            trusted_proxies: Vec::new(),
            rate_limits_enabled: true,
            smtp_url: None,
            mail_from: "InsightIQ <no-reply@insightiq.local>".into(),
            public_url: "http://localhost:8000".into(),
            seed_demo: false,
        }
    }
}
