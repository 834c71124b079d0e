//! Serves the built web app (`web/dist`) with single-page-app fallback: any
//! non-API path without a file answers `index.html`.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

pub fn spa(web_dir: &Path) -> Router {
    let index = web_dir.join("index.html");
    if !index.exists() {
        tracing::warn!(dir = %web_dir.display(), "web app not built; serving a placeholder page (run `make web`)");
        return Router::new().fallback(get(not_built));
    }
    Router::new().fallback_service(ServeDir::new(web_dir).fallback(ServeFile::new(index)))
}

async fn not_built() -> impl IntoResponse {
    (
        StatusCode::OK,
        Html(
            "<!doctype html><title>InsightIQ</title><h1>InsightIQ</h1>\
             <p>The web app has not been built. Run <code>make web</code>, then reload. \
             The API is up: see <a href=\"/docs\">/docs</a>.</p>",
        ),
    )
}
