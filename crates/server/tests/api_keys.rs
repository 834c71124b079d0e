//! API keys over real HTTP: created once with their secret, listed without it,
//! used like a bearer token, revoked, and invisible to other users.

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::{error_code, TestApp};

async fn create_key(app: &TestApp, token: &str, name: &str) -> Value {
    let response = app
        .authed(Method::POST, "/api/v1/api-keys", token)
        .json(&json!({ "key_name": name }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn keys_are_created_listed_used_and_revoked() {
    let app = TestApp::spawn().await;
    let (token, user_id) = app.register_and_login().await;
    let created = create_key(&app, &token, " ci script ").await;
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("iq_") && key.len() > 30, "{key}");
    assert_eq!(created["key_prefix"], key[..8]);
    assert_eq!(created["key_name"], "ci script");
    assert_eq!(created["is_active"], true);
    assert!(created["last_used_at"].is_null() && created["created_at"].is_string());

    let listed: Vec<Value> = app
        .authed(Method::GET, "/api/v1/api-keys", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        listed[0].get("key").is_none(),
        "the secret is shown only once"
    );
    assert!(!serde_json::to_string(&listed).unwrap().contains(&key));

    // Both header forms authenticate, as the key's owner.
    let bearer: Value = app
        .authed(Method::GET, "/api/v1/auth/me", &key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bearer["id"], user_id.as_str());
    let header = app
        .client
        .get(app.url("/api/v1/users/me"))
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(header.status(), 200);
    let listed: Vec<Value> = app
        .authed(Method::GET, "/api/v1/api-keys", &key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        listed[0]["last_used_at"].is_string(),
        "last_used_at is updated: {listed:?}"
    );

    let id = created["id"].as_str().unwrap();
    let revoked = app
        .authed(Method::DELETE, &format!("/api/v1/api-keys/{id}"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let after = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(after, 401).await, "api_key_revoked");
    let listed: Vec<Value> = app
        .authed(Method::GET, "/api/v1/api-keys", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["is_active"], false);
    let twice = app
        .authed(Method::DELETE, &format!("/api/v1/api-keys/{id}"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(twice, 404).await, "not_found");
}

#[tokio::test]
async fn bad_keys_and_names_are_refused() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let unknown = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("x-api-key", "iq_doesnotexist")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(unknown, 401).await, "invalid_api_key");
    let not_a_key = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("x-api-key", "hello")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(not_a_key, 401).await, "invalid_api_key");
    let bearer = app
        .authed(Method::GET, "/api/v1/auth/me", "iq_doesnotexist")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(bearer, 401).await, "invalid_api_key");
    let unnamed = app
        .authed(Method::POST, "/api/v1/api-keys", &token)
        .json(&json!({ "key_name": "  " }))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(unnamed, 422).await, "invalid_key_name");
    let anonymous = app
        .client
        .get(app.url("/api/v1/api-keys"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(anonymous, 401).await, "missing_credentials");
    let bad_id = app
        .authed(Method::DELETE, "/api/v1/api-keys/not-a-uuid", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_id.status(), 404);
}

#[tokio::test]
async fn another_users_keys_are_not_found_and_cannot_be_revoked() {
    let app = TestApp::spawn().await;
    let (alice, _) = app.register_and_login().await;
    let (bob, _) = app.register_and_login().await;
    let created = create_key(&app, &alice, "alice's").await;
    let id = created["id"].as_str().unwrap();

    let revoke = app
        .authed(Method::DELETE, &format!("/api/v1/api-keys/{id}"), &bob)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(revoke, 404).await, "not_found");
    let bobs: Vec<Value> = app
        .authed(Method::GET, "/api/v1/api-keys", &bob)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(bobs.is_empty());
    let still = app
        .authed(
            Method::GET,
            "/api/v1/auth/me",
            created["key"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(still.status(), 200, "alice's key still works");
    let alices: Vec<Value> = app
        .authed(Method::GET, "/api/v1/api-keys", &alice)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(alices[0]["is_active"], true);
}
