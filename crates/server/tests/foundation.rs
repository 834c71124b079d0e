//! The server skeleton over real HTTP: health, error contract, headers, docs
//! and the web app fallback.

mod support;

use serde_json::Value;
use support::{error_code, TestApp};

#[tokio::test]
async fn health_reports_version_and_store() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/health").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().contains_key("x-request-id"),
        "request id is returned"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["store"], "ok");
    assert_eq!(body["store_backend"], "sqlite");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn unknown_api_route_is_json_404_and_wrong_method_is_json_405() {
    let app = TestApp::spawn().await;
    assert_eq!(
        error_code(app.get("/api/v1/nope").await, 404).await,
        "route_not_found"
    );
    assert_eq!(
        error_code(app.get("/api").await, 404).await,
        "route_not_found"
    );
    let response = app
        .client
        .delete(app.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(response, 405).await, "method_not_allowed");
}

#[tokio::test]
async fn security_headers_are_set() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/health").await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert!(
        !headers.contains_key("access-control-allow-origin"),
        "no CORS unless configured"
    );
}

#[tokio::test]
async fn cors_allows_only_the_configured_origin() {
    let app = TestApp::spawn_with(|s| s.cors_origin = Some("http://localhost:5173".into())).await;
    let allowed = app
        .client
        .get(app.url("/api/v1/health"))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let other = app
        .client
        .get(app.url("/api/v1/health"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn openapi_document_and_docs_page() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/v1/health"]["get"].is_object());
    // Every endpoint of the product is documented.
    let documented = [
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/users/me", "put"),
        ("/api/v1/api-keys", "post"),
        ("/api/v1/data-sources", "get"),
        ("/api/v1/data-sources/upload-csv", "post"),
        ("/api/v1/data-sources/{id}", "delete"),
        ("/api/v1/data-sources/{id}/preview", "get"),
        ("/api/v1/data-sources/{id}/profile", "get"),
        ("/api/v1/data-sources/{id}/insights", "get"),
        ("/api/v1/queries/execute", "post"),
        ("/api/v1/queries/natural-language", "post"),
        ("/api/v1/queries/saved", "get"),
        ("/api/v1/queries/{id}/export", "get"),
        ("/api/v1/visualizations", "post"),
        ("/api/v1/visualizations/{id}", "put"),
        ("/api/v1/stats/dashboard", "get"),
        ("/api/v1/stats/usage", "get"),
    ];
    for (path, method) in documented {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

#[tokio::test]
async fn web_app_is_served_with_spa_fallback() {
    let app = TestApp::spawn_with(|s| {
        let web = s.data_dir.join("web");
        std::fs::create_dir_all(web.join("assets")).unwrap();
        std::fs::write(web.join("index.html"), "<div id=root>app</div>").unwrap();
        std::fs::write(web.join("assets/app.js"), "console.log(1)").unwrap();
        s.web_dir = web;
    })
    .await;
    assert!(app.get("/").await.text().await.unwrap().contains("id=root"));
    assert!(app
        .get("/analysis/deep/link")
        .await
        .text()
        .await
        .unwrap()
        .contains("id=root"));
    assert_eq!(
        app.get("/assets/app.js").await.text().await.unwrap(),
        "console.log(1)"
    );
    // API paths never fall back to the app.
    assert_eq!(
        error_code(app.get("/api/v1/missing").await, 404).await,
        "route_not_found"
    );
}

#[tokio::test]
async fn postgres_backend_serves_health() {
    let Ok(url) = std::env::var("INSIGHTIQ_TEST_DATABASE_URL") else {
        eprintln!("notice: INSIGHTIQ_TEST_DATABASE_URL is not set; skipping");
        return;
    };
    // A fresh database, as `DATABASE_URL=postgresql://…/<fresh db>` would give.
    use sqlx::Connection;
    let db = format!("iq_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let store = store::connect(
        &format!("{base}/{db}"),
        store::PoolOptions {
            min_connections: 0,
            max_connections: 4,
        },
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state =
        server::AppState::build(server::Settings::for_tests(dir.path().to_path_buf()), store)
            .await
            .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::launch(listener, state, std::future::pending()));
    let body: Value = reqwest::get(format!("http://{addr}/api/v1/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (body["status"].as_str(), body["store"].as_str()),
        (Some("ok"), Some("ok"))
    );
    assert_eq!(body["store_backend"], "postgres");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(&mut sqlx::PgConnection::connect(&format!("{base}/{db}")).await.unwrap())
    .await
    .unwrap();
    for table in [
        "api_keys",
        "data_sources",
        "queries",
        "sessions",
        "users",
        "visualizations",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} missing from {tables:?}"
        );
    }
}

/// The web app's API types are generated from `web/src/api/openapi.json`; that file
/// must be the document the server serves, or the types describe another API.
#[test]
fn the_web_apps_openapi_copy_is_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/src/api/openapi.json");
    let served = server::openapi().to_pretty_json().unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &served).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == served,
        "web/src/api/openapi.json is out of date: run `make api-types` and commit the result"
    );
}
