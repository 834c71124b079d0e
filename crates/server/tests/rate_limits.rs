//! Rate limits over real HTTP: per-IP sign-in attempts, per-user query and
//! upload classes, the general limit, proxies, and counters shared through Redis.

mod support;

use axum::routing::get;
use reqwest::Method;
use serde_json::json;
use server::config::Secret;
use server::limits::{general_limit, Queries, RateLimit, Uploads};
use server::{AppState, Settings};
use support::{error_code, test_redis_url, TestApp};

async fn attempt_login(app: &TestApp, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "x@example.com", "password": "Wr0ng!pass"}));
    if let Some(ip) = forwarded_for {
        request = request.header("x-forwarded-for", ip);
    }
    request.send().await.unwrap()
}

async fn assert_limited(response: reqwest::Response, max_wait: u64) {
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=max_wait).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    assert_eq!(error_code(response, 429).await, "rate_limited");
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_ip() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        assert_eq!(attempt_login(&app, None).await.status(), 401);
    }
    assert_limited(attempt_login(&app, None).await, 60).await;
    // Another route keeps its own budget.
    let forgot = app
        .post_json(
            "/api/v1/auth/forgot-password",
            &json!({ "email": "x@example.com" }),
        )
        .await;
    assert_eq!(forgot.status(), 202);
}

#[tokio::test]
async fn forwarded_for_counts_only_behind_a_trusted_proxy() {
    let trusting =
        TestApp::spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    for _ in 0..5 {
        assert_eq!(
            attempt_login(&trusting, Some("203.0.113.7")).await.status(),
            401
        );
    }
    assert_limited(attempt_login(&trusting, Some("203.0.113.7")).await, 60).await;
    assert_eq!(
        attempt_login(&trusting, Some("203.0.113.8")).await.status(),
        401,
        "another client behind the proxy"
    );

    let untrusting = TestApp::spawn().await;
    for i in 0..5 {
        assert_eq!(
            attempt_login(&untrusting, Some(&format!("198.51.100.{i}")))
                .await
                .status(),
            401
        );
    }
    assert_limited(attempt_login(&untrusting, Some("198.51.100.99")).await, 60).await;
}

#[tokio::test]
async fn disabled_rate_limits_let_everything_through() {
    let app = TestApp::spawn_with(|s| s.rate_limits_enabled = false).await;
    for _ in 0..8 {
        assert_eq!(attempt_login(&app, None).await.status(), 401);
    }
}

/// A second server on `app`'s data directory (same users, same token secrets)
/// whose routes use the query and upload classes behind the general limit, the
/// way the data and query routes apply them. Returns its base URL.
async fn spawn_probe(app: &TestApp, configure: impl FnOnce(&mut Settings)) -> String {
    let store = store::connect(
        app.data_dir.path().join("meta.db").to_str().unwrap(),
        store::PoolOptions::default(),
    )
    .await
    .unwrap();
    let mut settings = Settings::for_tests(app.data_dir.path().to_path_buf());
    configure(&mut settings);
    let state = AppState::build(settings, store).await.unwrap();
    let router = axum::Router::new()
        .route(
            "/api/v1/probe/query",
            get(|_: RateLimit<Queries>| async { "ok" }),
        )
        .route(
            "/api/v1/probe/upload",
            get(|_: RateLimit<Uploads>| async { "ok" }),
        )
        .route("/api/v1/probe/plain", get(|| async { "ok" }))
        .route("/api/v1/health", get(|| async { "ok" }))
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(state, general_limit));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn query_and_upload_classes_count_per_user() {
    let app = TestApp::spawn().await;
    let probe = spawn_probe(&app, |_| {}).await;
    let (alice, _) = app.register_and_login().await;
    let (bob, _) = app.register_and_login().await;
    let call = |path: &'static str, token: &str| {
        app.client
            .get(format!("{probe}{path}"))
            .bearer_auth(token)
            .send()
    };

    for _ in 0..30 {
        assert_eq!(
            call("/api/v1/probe/query", &alice).await.unwrap().status(),
            200
        );
    }
    assert_limited(call("/api/v1/probe/query", &alice).await.unwrap(), 2).await;
    assert_eq!(
        call("/api/v1/probe/query", &bob).await.unwrap().status(),
        200,
        "bob has his own budget"
    );

    for _ in 0..10 {
        assert_eq!(
            call("/api/v1/probe/upload", &alice).await.unwrap().status(),
            200
        );
    }
    assert_limited(call("/api/v1/probe/upload", &alice).await.unwrap(), 360).await;
}

#[tokio::test]
async fn the_general_limit_covers_every_api_route_but_health() {
    let app = TestApp::spawn().await;
    let probe = spawn_probe(&app, |_| {}).await;
    for _ in 0..100 {
        assert_eq!(
            app.client
                .get(format!("{probe}/api/v1/probe/plain"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    assert_limited(
        app.client
            .get(format!("{probe}/api/v1/probe/plain"))
            .send()
            .await
            .unwrap(),
        1,
    )
    .await;
    assert_eq!(
        app.client
            .get(format!("{probe}/api/v1/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn two_servers_share_one_counter_in_redis() {
    let Some(url) = test_redis_url() else { return };
    let prefix = format!("iq-test-{}:", uuid::Uuid::new_v4().simple());
    let with_redis = |s: &mut Settings| {
        s.redis_url = Some(Secret::new(url.clone()));
        s.redis_prefix = prefix.clone();
    };
    let first = TestApp::spawn_with(with_redis).await;
    let second = TestApp::spawn_with(with_redis).await;
    for _ in 0..3 {
        assert_eq!(attempt_login(&first, None).await.status(), 401);
    }
    for _ in 0..2 {
        assert_eq!(attempt_login(&second, None).await.status(), 401);
    }
    assert_limited(attempt_login(&second, None).await, 60).await;
    assert_limited(attempt_login(&first, None).await, 60).await;

    // A server with another prefix (another deployment) counts on its own.
    let other = TestApp::spawn_with(|s| {
        s.redis_url = Some(Secret::new(url.clone()));
        s.redis_prefix = format!("iq-test-{}:", uuid::Uuid::new_v4().simple());
    })
    .await;
    assert_eq!(attempt_login(&other, None).await.status(), 401);

    let mut redis = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    // One shared login counter (the general per-IP limit keeps its own key).
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}rl:auth:*"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&keys[0])
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= 60_000, "counters expire: {ttl}");
}

#[tokio::test]
async fn redis_per_user_classes_are_shared_too() {
    let Some(url) = test_redis_url() else { return };
    let prefix = format!("iq-test-{}:", uuid::Uuid::new_v4().simple());
    let configure = |s: &mut Settings| {
        s.redis_url = Some(Secret::new(url.clone()));
        s.redis_prefix = prefix.clone();
    };
    let app = TestApp::spawn().await;
    let probe_a = spawn_probe(&app, configure).await;
    let probe_b = spawn_probe(&app, configure).await;
    let (token, _) = app.register_and_login().await;
    for i in 0..10 {
        let probe = if i % 2 == 0 { &probe_a } else { &probe_b };
        let response = app
            .client
            .get(format!("{probe}/api/v1/probe/upload"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let over = app
        .client
        .request(Method::GET, format!("{probe_b}/api/v1/probe/upload"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_limited(over, 360).await;
}
