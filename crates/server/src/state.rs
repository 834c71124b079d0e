//! Shared application state handed to every handler, built once at start-up
//! from `Settings` by `AppState::build` (the same path for the binary and tests).

use crate::auth::AuthService;
use crate::cache::{DynCache, MemoryCache, RedisCache};
use crate::config::Settings;
use crate::ratelimit::RateLimiter;
use std::sync::Arc;
use store::DynStore;

#[derive(Clone)]
pub struct AppState {
    /// The metadata store as `store::connect` opened it: history writes are
    /// grouped and every read sees the records queued before it.
    pub store: DynStore,
    pub settings: Arc<Settings>,
    pub cache: DynCache,
    /// Accounts, tokens, API keys, sessions and account email.
    pub auth: Arc<AuthService>,
    pub rate_limiter: Arc<RateLimiter>,
    /// Runs every SQL statement: only the caller's tables, time/memory/row limits.
    pub sandbox: engine::Sandbox,
    /// Originals and snapshots (a local directory through `object_store`).
    pub storage: engine::storage::Storage,
    /// The language model for questions the rules engine cannot answer, when configured.
    pub llm: Option<Arc<nlq::llm::LlmClient>>,
    /// Seals and opens connection secrets.
    pub vault: crate::vault::Vault,
    /// This process among several servers (the owner of the sync leases it takes).
    pub instance_id: Arc<str>,
}

impl AppState {
    /// Wires every service the handlers use from the settings.
    pub async fn build(settings: Settings, store: DynStore) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&settings.data_dir)?;
        crate::sources::sweep_temp(&settings.data_dir, std::time::Duration::from_secs(3600));
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
        let llm = match &settings.llm {
            Some(config) => {
                tracing::info!(base_url = %config.base_url, model = %config.model, "questions the rules engine cannot answer go to the LLM");
                Some(Arc::new(nlq::llm::LlmClient::new(config.clone())?))
            }
            None => None,
        };
        let vault = crate::vault::Vault::load(&settings)?;
        let state = Self {
            vault,
            instance_id: Arc::from(uuid::Uuid::new_v4().to_string()),
            llm,
            sandbox,
            storage,
            store,
            settings: Arc::new(settings),
            cache,
            auth,
            rate_limiter,
        };
        crate::sync::spawn_scheduler(state.clone());
        Ok(state)
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
