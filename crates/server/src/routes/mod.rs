//! HTTP routes, one module per resource. Handlers are thin: extract, call, map.

pub mod api_keys;
pub mod auth;
pub mod connections;
pub mod dashboard;
pub mod data_sources;
pub mod health;
pub mod queries;
pub mod stats;
pub mod upload;
pub mod users;
pub mod visualizations;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Every `/api/v1` route, with its OpenAPI description.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(health::routes())
        .merge(auth::routes())
        .merge(users::routes())
        .merge(api_keys::routes())
        .merge(data_sources::routes())
        .merge(connections::routes())
        .merge(queries::routes())
        .merge(visualizations::routes())
        .merge(dashboard::routes())
        .merge(stats::routes())
}
