//! HTTP routes, one module per resource. Handlers are thin: extract, call, map.

pub mod health;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Every `/api/v1` route, with its OpenAPI description.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(health::routes())
}
