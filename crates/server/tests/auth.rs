//! Authentication over real HTTP: register, verify, sign in and out, token
//! rotation and theft detection, password reset, and every refusal's code.

mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};
use server::config::Secret;
use support::{error_code, test_redis_url, unique_email, TestApp, PASSWORD};

const ACCESS_SECRET: &str = "test-access-secret-0123456789";
const REFRESH_SECRET: &str = "test-refresh-secret-0123456789";

async fn app_with_known_secrets() -> TestApp {
    TestApp::spawn_with(|s| {
        s.jwt_secret_key = Some(Secret::new(ACCESS_SECRET));
        s.jwt_refresh_secret_key = Some(Secret::new(REFRESH_SECRET));
    })
    .await
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// `GET /auth/me` with an access token: the code of a refusal, or "ok".
async fn me_with(app: &TestApp, access_token: &Value) -> String {
    let response = app
        .authed(
            Method::GET,
            "/api/v1/auth/me",
            access_token.as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    if response.status() == 200 {
        return "ok".into();
    }
    error_code(response, 401).await
}

async fn refresh_with(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": token }))
        .await
}

/// Opens a second handle on the test server's metadata database.
async fn store_of(app: &TestApp) -> store::DynStore {
    let path = app.data_dir.path().join("meta.db");
    store::connect(
        path.to_str().unwrap(),
        store::PoolOptions {
            min_connections: 0,
            max_connections: 1,
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn register_creates_an_unverified_user_and_emails_a_verification_link() {
    let app = TestApp::spawn().await;
    let email = unique_email();
    let user = app.register(&email.to_uppercase(), PASSWORD).await;
    assert_eq!(user["email"], email, "emails are normalized");
    assert_eq!(user["full_name"], "Test User");
    assert_eq!(user["is_active"], true);
    assert_eq!(user["is_verified"], false);
    assert!(
        user["created_at"].is_string()
            && user["last_login"].is_null()
            && user["avatar_url"].is_null()
    );
    assert!(user.get("password_hash").is_none());

    let token = app.emailed_token(&email, "verify-email").await;
    let verified = app
        .post_json("/api/v1/auth/verify-email", &json!({ "token": token }))
        .await;
    assert_eq!(verified.status(), 200);
    assert_eq!(verified.json::<Value>().await.unwrap()["is_verified"], true);
    let again = app
        .post_json("/api/v1/auth/verify-email", &json!({ "token": token }))
        .await;
    assert_eq!(
        error_code(again, 400).await,
        "invalid_token",
        "verification tokens are single-use"
    );
    let bogus = app
        .post_json("/api/v1/auth/verify-email", &json!({ "token": "nope" }))
        .await;
    assert_eq!(error_code(bogus, 400).await, "invalid_token");
}

#[tokio::test]
async fn register_refuses_bad_input_naming_each_failing_rule() {
    let app = TestApp::spawn().await;
    let weak = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": unique_email(), "password": "password", "full_name": "A"}),
        )
        .await;
    assert_eq!(weak.status(), 422);
    let body: Value = weak.json().await.unwrap();
    assert_eq!(body["error"]["code"], "weak_password");
    assert_eq!(
        body["error"]["details"]["failed_rules"],
        json!(["uppercase", "digit", "special"])
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("uppercase") && message.contains("digit") && message.contains("special"),
        "{message}"
    );

    let bad_email = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "not-an-email", "password": PASSWORD, "full_name": "A"}),
        )
        .await;
    assert_eq!(error_code(bad_email, 422).await, "invalid_email");

    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let duplicate = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": email, "password": PASSWORD, "full_name": "B"}),
        )
        .await;
    assert_eq!(error_code(duplicate, 409).await, "email_taken");
}

#[tokio::test]
async fn malformed_and_oversized_json_bodies_follow_the_error_contract() {
    let app = TestApp::spawn().await;
    let malformed = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(malformed, 400).await, "malformed_json");
    let huge = json!({"email": unique_email(), "password": PASSWORD, "full_name": "x".repeat(2 * 1024 * 1024)});
    let oversized = app.post_json("/api/v1/auth/register", &huge).await;
    assert_eq!(error_code(oversized, 413).await, "body_too_large");
}

#[tokio::test]
async fn login_returns_tokens_sets_the_refresh_cookie_and_records_last_login() {
    let app = TestApp::spawn().await;
    let email = unique_email();
    let user = app.register(&email, PASSWORD).await;
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(
        body["user"],
        json!({"id": user["id"], "email": email, "full_name": "Test User"})
    );
    let refresh = body["refresh_token"].as_str().unwrap();
    assert!(
        cookie.starts_with(&format!("iq_refresh={refresh};")),
        "{cookie}"
    );
    for attribute in [
        "HttpOnly",
        "Path=/api/v1/auth",
        "SameSite=Strict",
        "Max-Age=2592000",
    ] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    assert!(!cookie.contains("Secure"), "plain HTTP outside production");

    let access = claims_of(body["access_token"].as_str().unwrap());
    assert_eq!(access["sub"], user["id"]);
    assert_eq!(access["email"], email);
    assert_eq!(access["type"], "access");
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        3600
    );
    let refresh_claims = claims_of(refresh);
    assert_eq!(refresh_claims["type"], "refresh");
    assert_eq!(
        refresh_claims["exp"].as_i64().unwrap() - refresh_claims["iat"].as_i64().unwrap(),
        30 * 24 * 3600
    );

    let me: Value = app
        .authed(
            Method::GET,
            "/api/v1/auth/me",
            body["access_token"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], user["id"]);
    assert!(me["last_login"].is_string(), "last_login is recorded: {me}");
}

/// 32 bytes, base64: a valid connection-secrets key.
const SECRETS_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

#[tokio::test]
async fn refresh_cookie_is_secure_in_production() {
    let app = TestApp::spawn_with(|s| {
        s.production = true;
        s.jwt_secret_key = Some(Secret::new(ACCESS_SECRET));
        s.jwt_refresh_secret_key = Some(Secret::new(REFRESH_SECRET));
        s.secrets_key = Some(Secret::new(SECRETS_KEY));
    })
    .await;
    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("; Secure"));
}

#[tokio::test]
async fn production_refuses_to_start_without_jwt_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let store = store::connect(
        dir.path().join("m.db").to_str().unwrap(),
        store::PoolOptions::default(),
    )
    .await
    .unwrap();
    let mut settings = server::Settings::for_tests(dir.path().to_path_buf());
    settings.production = true;
    let err = server::AppState::build(settings.clone(), store.clone())
        .await
        .err()
        .expect("must refuse");
    assert!(err.to_string().contains("JWT_SECRET_KEY"), "{err}");
    assert!(
        !dir.path().join("jwt_secrets.json").exists(),
        "nothing generated in production"
    );
    settings.jwt_secret_key = Some(Secret::new("a-real-secret"));
    settings.jwt_refresh_secret_key = Some(Secret::new("another-real-secret"));
    let err = server::AppState::build(settings.clone(), store.clone())
        .await
        .err()
        .expect("must refuse without a secrets key");
    assert!(err.to_string().contains("INSIGHTIQ_SECRETS_KEY"), "{err}");
    assert!(
        !dir.path().join("secrets.key").exists(),
        "nothing generated in production"
    );
    settings.secrets_key = Some(Secret::new(SECRETS_KEY));
    assert!(server::AppState::build(settings, store).await.is_ok());
}

#[tokio::test]
async fn generated_secrets_persist_across_restarts() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let secrets = app.data_dir.path().join("jwt_secrets.json");
    assert!(secrets.exists());
    // A second server on the same data directory accepts the first one's token.
    let store = store::connect(
        app.data_dir.path().join("meta.db").to_str().unwrap(),
        store::PoolOptions::default(),
    )
    .await
    .unwrap();
    let state = server::AppState::build(
        server::Settings::for_tests(app.data_dir.path().to_path_buf()),
        store,
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::launch(listener, state, std::future::pending()));
    let response = app
        .client
        .get(format!("http://{addr}/api/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_are_indistinguishable() {
    let app = TestApp::spawn_with(|s| s.rate_limits_enabled = false).await;
    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let attempt = |email: String, password: &'static str| {
        let app = &app;
        async move {
            let started = std::time::Instant::now();
            let response = app
                .post_json(
                    "/api/v1/auth/login",
                    &json!({"email": email, "password": password}),
                )
                .await;
            let elapsed = started.elapsed();
            assert_eq!(response.status(), 401);
            (response.json::<Value>().await.unwrap(), elapsed)
        }
    };
    // Warm both paths, then take the fastest of several runs: the minimum is
    // what the work costs, free of noise from tests running alongside.
    attempt(email.clone(), "Wr0ng!pass").await;
    attempt(unique_email(), "Wr0ng!pass").await;
    let (mut wrong_best, mut unknown_best) = (std::time::Duration::MAX, std::time::Duration::MAX);
    let (mut wrong_body, mut unknown_body) = (Value::Null, Value::Null);
    for _ in 0..5 {
        let (body, t) = attempt(email.clone(), "Wr0ng!pass").await;
        wrong_best = wrong_best.min(t);
        wrong_body = body;
        let (body, t) = attempt(unique_email(), "Wr0ng!pass").await;
        unknown_best = unknown_best.min(t);
        unknown_body = body;
    }
    assert_eq!(wrong_body, unknown_body, "same code and message");
    assert_eq!(wrong_body["error"]["code"], "invalid_credentials");
    // Both paths run one argon2 verification; skipping it would make the unknown
    // email many times faster.
    let ratio = unknown_best.as_secs_f64() / wrong_best.as_secs_f64();
    assert!(
        (0.4..2.5).contains(&ratio),
        "unknown {unknown_best:?} vs wrong {wrong_best:?}"
    );
}

#[tokio::test]
async fn every_token_refusal_has_its_own_code() {
    let app = app_with_known_secrets().await;
    let email = unique_email();
    let user = app.register(&email, PASSWORD).await;
    let login = app.login(&email, PASSWORD).await;
    let me = |auth: Option<(&'static str, String)>| {
        let mut request = app.client.get(app.url("/api/v1/auth/me"));
        if let Some((name, value)) = auth {
            request = request.header(name, value);
        }
        async move { request.send().await.unwrap() }
    };
    let now = chrono::Utc::now().timestamp();
    let sign = |claims: Value, secret: &str| {
        jsonwebtoken::encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    };
    let claims = |exp: i64, kind: &str| json!({"sub": user["id"], "email": email, "iat": now - 7200, "exp": exp, "type": kind, "jti": "x"});

    assert_eq!(error_code(me(None).await, 401).await, "missing_credentials");
    let malformed_headers = [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "Token abc",
        "Bearer a b",
    ];
    for header in malformed_headers {
        assert_eq!(
            error_code(me(Some(("authorization", header.into()))).await, 401).await,
            "malformed_auth_header",
            "{header}"
        );
    }
    assert_eq!(
        error_code(
            me(Some(("authorization", "Bearer not.a.jwt".into()))).await,
            401
        )
        .await,
        "malformed_token"
    );
    let expired = sign(claims(now - 3600, "access"), ACCESS_SECRET);
    assert_eq!(
        error_code(
            me(Some(("authorization", format!("Bearer {expired}")))).await,
            401
        )
        .await,
        "token_expired"
    );
    let foreign = sign(claims(now + 3600, "access"), "some-other-secret");
    assert_eq!(
        error_code(
            me(Some(("authorization", format!("Bearer {foreign}")))).await,
            401
        )
        .await,
        "invalid_token_signature"
    );
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(now + 3600, "access").to_string());
    let unsigned = format!("{none_header}.{payload}.");
    assert_eq!(
        error_code(
            me(Some(("authorization", format!("Bearer {unsigned}")))).await,
            401
        )
        .await,
        "token_alg_none"
    );
    let refresh = login["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(
        error_code(
            me(Some(("authorization", format!("Bearer {refresh}")))).await,
            401
        )
        .await,
        "wrong_token_type"
    );
    // The reverse: an access token is not a refresh token.
    let access = login["access_token"].as_str().unwrap();
    assert_eq!(
        error_code(refresh_with(&app, access).await, 401).await,
        "wrong_token_type"
    );
    // A correctly signed token still works.
    let valid = sign(claims(now + 3600, "access"), ACCESS_SECRET);
    assert_eq!(
        me(Some(("authorization", format!("Bearer {valid}"))))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_ends_the_whole_login() {
    let app = TestApp::spawn().await;
    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let first = app.login(&email, PASSWORD).await;
    let other_login = app.login(&email, PASSWORD).await;
    let r1 = first["refresh_token"].as_str().unwrap();

    let rotated = refresh_with(&app, r1).await;
    assert_eq!(rotated.status(), 200);
    assert!(rotated.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("iq_refresh="));
    let rotated: Value = rotated.json().await.unwrap();
    let r2 = rotated["refresh_token"].as_str().unwrap();
    assert_ne!(r1, r2);
    assert_eq!(rotated["token_type"], "bearer");
    assert_eq!(rotated["user"]["email"], email);
    let me = app
        .authed(
            Method::GET,
            "/api/v1/auth/me",
            rotated["access_token"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    // Someone replays the first token: the whole family is revoked.
    assert_eq!(
        error_code(refresh_with(&app, r1).await, 401).await,
        "refresh_token_reused"
    );
    assert_eq!(
        error_code(refresh_with(&app, r2).await, 401).await,
        "session_revoked"
    );
    // The access tokens of that login stop working at once too.
    assert_eq!(
        me_with(&app, &rotated["access_token"]).await,
        "session_revoked"
    );
    assert_eq!(
        me_with(&app, &first["access_token"]).await,
        "session_revoked"
    );
    // Another login of the same user is untouched.
    assert_eq!(me_with(&app, &other_login["access_token"]).await, "ok");
    assert_eq!(
        refresh_with(&app, other_login["refresh_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn refresh_and_logout_work_with_the_cookie_alone() {
    let app = TestApp::spawn().await;
    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let login = app.login(&email, PASSWORD).await;
    let cookie = format!("iq_refresh={}", login["refresh_token"].as_str().unwrap());

    let missing = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(missing, 401).await, "missing_refresh_token");
    let malformed = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(malformed, 400).await, "malformed_json");
    // The web app posts an empty JSON object and relies on the cookie.
    let refreshed = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", &cookie)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    let cookie = format!(
        "theme=dark; iq_refresh={}",
        refreshed["refresh_token"].as_str().unwrap()
    );

    let logout = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    let cleared = logout.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("iq_refresh=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    let after = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(after, 401).await, "session_revoked");
    // Logging out again (or with nothing) still succeeds.
    assert_eq!(
        app.client
            .post(app.url("/api/v1/auth/logout"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
}

#[tokio::test]
async fn logout_with_the_body_token_revokes_that_session() {
    let app = TestApp::spawn().await;
    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let login = app.login(&email, PASSWORD).await;
    let refresh = login["refresh_token"].as_str().unwrap();
    let logout = app
        .post_json("/api/v1/auth/logout", &json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(logout.status(), 204);
    assert_eq!(
        error_code(refresh_with(&app, refresh).await, 401).await,
        "session_revoked"
    );
    assert_eq!(
        me_with(&app, &login["access_token"]).await,
        "session_revoked"
    );
}

#[tokio::test]
async fn forgot_and_reset_password_end_to_end() {
    let app = TestApp::spawn().await;
    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let login = app.login(&email, PASSWORD).await;

    let known = app
        .post_json("/api/v1/auth/forgot-password", &json!({ "email": email }))
        .await;
    let unknown = app
        .post_json(
            "/api/v1/auth/forgot-password",
            &json!({ "email": unique_email() }),
        )
        .await;
    assert_eq!(known.status(), 202);
    assert_eq!(unknown.status(), 202);
    assert_eq!(
        known.json::<Value>().await.unwrap(),
        unknown.json::<Value>().await.unwrap(),
        "no account enumeration"
    );

    let token = app.emailed_token(&email, "reset-password").await;
    let weak = app
        .post_json(
            "/api/v1/auth/reset-password",
            &json!({ "token": token, "new_password": "short" }),
        )
        .await;
    assert_eq!(error_code(weak, 422).await, "weak_password");
    const NEW: &str = "N3w!password";
    let reset = app
        .post_json(
            "/api/v1/auth/reset-password",
            &json!({ "token": token, "new_password": NEW }),
        )
        .await;
    assert_eq!(
        reset.status(),
        200,
        "a weak attempt does not spend the token"
    );

    assert_eq!(
        error_code(
            refresh_with(&app, login["refresh_token"].as_str().unwrap()).await,
            401
        )
        .await,
        "session_revoked",
        "a reset ends every session"
    );
    assert_eq!(
        me_with(&app, &login["access_token"]).await,
        "session_revoked"
    );
    let old = app
        .post_json(
            "/api/v1/auth/login",
            &json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(error_code(old, 401).await, "invalid_credentials");
    app.login(&email, NEW).await;
    let reused = app
        .post_json(
            "/api/v1/auth/reset-password",
            &json!({ "token": token, "new_password": NEW }),
        )
        .await;
    assert_eq!(error_code(reused, 400).await, "invalid_token");
}

#[tokio::test]
async fn inactive_users_cannot_sign_in_or_use_tokens_or_keys() {
    let app = TestApp::spawn().await;
    let email = unique_email();
    let user = app.register(&email, PASSWORD).await;
    let login = app.login(&email, PASSWORD).await;
    let access = login["access_token"].as_str().unwrap();
    let key: Value = app
        .authed(Method::POST, "/api/v1/api-keys", access)
        .json(&json!({ "key_name": "script" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    // Deactivated through the server's own store, as an admin action would be.
    let store = app.state.store.clone();
    let id: domain::UserId = user["id"].as_str().unwrap().parse().unwrap();
    store
        .update_user(
            id,
            store::UserUpdate {
                is_active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let sign_in = app
        .post_json(
            "/api/v1/auth/login",
            &json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(error_code(sign_in, 403).await, "account_disabled");
    let with_token = app
        .authed(Method::GET, "/api/v1/auth/me", access)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(with_token, 403).await, "account_disabled");
    let with_key = app
        .authed(Method::GET, "/api/v1/auth/me", key["key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(with_key, 403).await, "account_disabled");
    let refresh = refresh_with(&app, login["refresh_token"].as_str().unwrap()).await;
    assert_eq!(error_code(refresh, 403).await, "account_disabled");
}

#[tokio::test]
async fn account_routes_are_documented_with_their_security() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    for (path, method) in [
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/auth/verify-email", "post"),
        ("/api/v1/auth/forgot-password", "post"),
        ("/api/v1/auth/reset-password", "post"),
        ("/api/v1/users/me", "get"),
        ("/api/v1/users/me", "put"),
        ("/api/v1/users/me/password", "put"),
        ("/api/v1/users/me/avatar", "post"),
        ("/api/v1/users/{id}/avatar", "get"),
        ("/api/v1/api-keys", "get"),
        ("/api/v1/api-keys", "post"),
        ("/api/v1/api-keys/{id}", "delete"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    let security = &doc["paths"]["/api/v1/auth/me"]["get"]["security"];
    assert_eq!(security, &json!([{ "bearer": [] }, { "api_key": [] }]));
    assert!(doc["paths"]["/api/v1/auth/login"]["post"]
        .get("security")
        .is_none());
}

#[tokio::test]
async fn sessions_live_in_redis_when_configured() {
    let Some(url) = test_redis_url() else { return };
    let prefix = format!("iq-test-{}:", uuid::Uuid::new_v4().simple());
    let app = TestApp::spawn_with(|s| {
        s.redis_url = Some(Secret::new(url.clone()));
        s.redis_prefix = prefix.clone();
    })
    .await;
    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let first = app.login(&email, PASSWORD).await;
    let second = app.login(&email, PASSWORD).await;

    let mut redis = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}session:*"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(keys.len(), 2, "one Redis session per login: {keys:?}");
    let store = store_of(&app).await;
    let hash = server::auth::tokens::sha256_hex(first["refresh_token"].as_str().unwrap());
    assert!(
        store.find_session_by_hash(&hash).await.is_err(),
        "not in the sessions table"
    );

    let r1 = first["refresh_token"].as_str().unwrap();
    let rotated: Value = refresh_with(&app, r1).await.json().await.unwrap();
    let r2 = rotated["refresh_token"].as_str().unwrap();
    assert_eq!(
        error_code(refresh_with(&app, r1).await, 401).await,
        "refresh_token_reused"
    );
    assert_eq!(
        error_code(refresh_with(&app, r2).await, 401).await,
        "session_revoked"
    );

    // A password change keeps the current login and ends the others.
    let second_access = second["access_token"].as_str().unwrap();
    let third = app.login(&email, PASSWORD).await;
    let change = app
        .authed(Method::PUT, "/api/v1/users/me/password", second_access)
        .json(&json!({ "current_password": PASSWORD, "new_password": "N3w!password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), 204);
    assert_eq!(
        error_code(
            refresh_with(&app, third["refresh_token"].as_str().unwrap()).await,
            401
        )
        .await,
        "session_revoked"
    );
    let kept = refresh_with(&app, second["refresh_token"].as_str().unwrap()).await;
    assert_eq!(kept.status(), 200);
    let kept: Value = kept.json().await.unwrap();
    let logout = app
        .post_json(
            "/api/v1/auth/logout",
            &json!({ "refresh_token": kept["refresh_token"] }),
        )
        .await;
    assert_eq!(logout.status(), 204);
    assert_eq!(
        me_with(&app, &kept["access_token"]).await,
        "session_revoked"
    );
    assert_eq!(
        me_with(&app, &third["access_token"]).await,
        "session_revoked"
    );
    let left: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}session:*"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(left.is_empty(), "every session ended: {left:?}");
}

/// A minimal SMTP server that accepts every message and hands its DATA over.
async fn fake_smtp() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            tx.send(data.take().unwrap()).unwrap();
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 fake\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn emails_go_through_smtp_when_configured() {
    let (port, mut inbox) = fake_smtp().await;
    let app =
        TestApp::spawn_with(|s| s.smtp_url = Some(Secret::new(format!("smtp://127.0.0.1:{port}"))))
            .await;
    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv())
        .await
        .expect("the verification email reaches the SMTP server")
        .unwrap();
    assert!(message.contains(&format!("To: {email}")), "{message}");
    assert!(
        message.contains("Subject: Confirm your email for InsightIQ"),
        "{message}"
    );
    // Undo quoted-printable soft breaks and escapes to read the link.
    let text = message.replace("=\n", "").replace("=3D", "=");
    let at = text
        .find("/verify-email?token=")
        .expect("a verification link")
        + "/verify-email?token=".len();
    let token: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let verified = app
        .post_json("/api/v1/auth/verify-email", &json!({ "token": token }))
        .await;
    assert_eq!(verified.status(), 200);
    let outbox = app.data_dir.path().join("outbox");
    assert!(
        !outbox.exists() || std::fs::read_dir(&outbox).unwrap().next().is_none(),
        "nothing in the outbox"
    );
}
