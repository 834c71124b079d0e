//! `GET /api/v1/health`: version and the status of each backing service.

use crate::error::Json;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when every backing service answers, `degraded` otherwise.
    pub status: &'static str,
    pub version: &'static str,
    /// `ok` or `error`.
    pub store: &'static str,
    /// `sqlite` or `postgres`.
    pub store_backend: &'static str,
    /// `ok` or `error`.
    pub cache: &'static str,
    /// `memory` or `redis`.
    pub cache_backend: &'static str,
    /// `configured` when questions can go to a language model, `off` otherwise.
    pub llm: &'static str,
}

/// Reports the server version and whether the metadata store and cache answer.
/// A store failure answers 503; a cache failure only degrades (queries still run).
#[utoipa::path(get, path = "/api/v1/health", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let store_ok = match state.store.ping().await {
        Ok(()) => true,
        Err(err) => {
            tracing::warn!(%err, "health check: store is not answering");
            false
        }
    };
    let cache_ok = state.cache.healthy().await;
    let status = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Health {
            status: if store_ok && cache_ok {
                "ok"
            } else {
                "degraded"
            },
            version: env!("CARGO_PKG_VERSION"),
            store: if store_ok { "ok" } else { "error" },
            store_backend: state.store.backend(),
            cache: if cache_ok { "ok" } else { "error" },
            cache_backend: state.cache.backend(),
            llm: if state.llm.is_some() {
                "configured"
            } else {
                "off"
            },
        }),
    )
}
