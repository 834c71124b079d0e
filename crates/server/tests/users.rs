//! The profile endpoints over real HTTP: read and edit the profile, change the
//! password, and upload and serve an avatar.

mod support;

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};
use support::{error_code, unique_email, TestApp, PASSWORD};

/// The smallest PNG: a 1x1 transparent pixel.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

fn file_form(name: &str, bytes: Vec<u8>, mime: &str) -> Form {
    Form::new().part(
        "file",
        Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str(mime)
            .unwrap(),
    )
}

#[tokio::test]
async fn profile_is_read_and_edited() {
    let app = TestApp::spawn().await;
    let (token, id) = app.register_and_login().await;
    let me: Value = app
        .authed(Method::GET, "/api/v1/users/me", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], id.as_str());
    for field in [
        "email",
        "full_name",
        "is_active",
        "is_verified",
        "created_at",
        "last_login",
        "avatar_url",
    ] {
        assert!(me.get(field).is_some(), "{field} missing: {me}");
    }
    let renamed = app
        .authed(Method::PUT, "/api/v1/users/me", &token)
        .json(&json!({ "full_name": "  Ada Lovelace " }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!(renamed["full_name"], "Ada Lovelace");
    assert_eq!(renamed["email"], me["email"], "unchanged fields stay");

    let blank = app
        .authed(Method::PUT, "/api/v1/users/me", &token)
        .json(&json!({ "full_name": " " }))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(blank, 422).await, "invalid_length");
    let bad = app
        .authed(Method::PUT, "/api/v1/users/me", &token)
        .json(&json!({ "email": "nope" }))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(bad, 422).await, "invalid_email");
    let anonymous = app
        .client
        .get(app.url("/api/v1/users/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(anonymous, 401).await, "missing_credentials");
}

#[tokio::test]
async fn changing_the_email_requires_verifying_the_new_address() {
    let app = TestApp::spawn().await;
    let old_email = unique_email();
    app.register(&old_email, PASSWORD).await;
    let old_link = app.emailed_token(&old_email, "verify-email").await;
    let token = app.login(&old_email, PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let taken = unique_email();
    app.register(&taken, PASSWORD).await;
    let conflict = app
        .authed(Method::PUT, "/api/v1/users/me", &token)
        .json(&json!({ "email": taken }))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(conflict, 409).await, "email_taken");

    let new_email = unique_email();
    let changed = app
        .authed(Method::PUT, "/api/v1/users/me", &token)
        .json(&json!({ "email": new_email }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["email"], new_email);
    assert_eq!(changed["is_verified"], false);

    // The link sent to the old address cannot verify the new one.
    let stale = app
        .post_json("/api/v1/auth/verify-email", &json!({ "token": old_link }))
        .await;
    assert_eq!(error_code(stale, 400).await, "invalid_token");
    let new_link = app.emailed_token(&new_email, "verify-email").await;
    let verified = app
        .post_json("/api/v1/auth/verify-email", &json!({ "token": new_link }))
        .await;
    assert_eq!(verified.json::<Value>().await.unwrap()["is_verified"], true);
    app.login(&new_email, PASSWORD).await;
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let email = unique_email();
    app.register(&email, PASSWORD).await;
    let here = app.login(&email, PASSWORD).await;
    let elsewhere = app.login(&email, PASSWORD).await;
    let token = here["access_token"].as_str().unwrap();
    let change = |current: &str, new: &str| {
        app.authed(Method::PUT, "/api/v1/users/me/password", token)
            .json(&json!({ "current_password": current, "new_password": new }))
            .send()
    };
    assert_eq!(
        error_code(change("Wr0ng!pass", "N3w!password").await.unwrap(), 400).await,
        "wrong_password"
    );
    assert_eq!(
        error_code(change(PASSWORD, "weak").await.unwrap(), 422).await,
        "weak_password"
    );
    assert_eq!(
        change(PASSWORD, "N3w!password").await.unwrap().status(),
        204
    );

    let app = &app;
    let refresh = |t: &Value| {
        let body = json!({ "refresh_token": t["refresh_token"] });
        async move { app.post_json("/api/v1/auth/refresh", &body).await }
    };
    assert_eq!(
        error_code(refresh(&elsewhere).await, 401).await,
        "session_revoked"
    );
    let me = |t: &Value| {
        let token = t["access_token"].as_str().unwrap().to_string();
        async move {
            app.authed(Method::GET, "/api/v1/users/me", &token)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        error_code(me(&elsewhere).await, 401).await,
        "session_revoked"
    );
    assert_eq!(me(&here).await.status(), 200);
    assert_eq!(
        refresh(&here).await.status(),
        200,
        "the current session stays"
    );
    app.login(&email, "N3w!password").await;
}

#[tokio::test]
async fn avatar_is_checked_by_content_stored_and_served() {
    let app = TestApp::spawn().await;
    let (token, id) = app.register_and_login().await;
    let upload = |form: Form| {
        app.authed(Method::POST, "/api/v1/users/me/avatar", &token)
            .multipart(form)
            .send()
    };

    let uploaded = upload(file_form("me.png", PNG.to_vec(), "image/png"))
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200);
    let user: Value = uploaded.json().await.unwrap();
    let url = user["avatar_url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with(&format!("/api/v1/users/{id}/avatar")),
        "{url}"
    );
    let served = app.get(&url).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    assert!(app
        .data_dir
        .path()
        .join("avatars")
        .join(format!("{id}.png"))
        .exists());

    // A JPEG named .png replaces it and is served as what it is.
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0u8; 64][..]].concat();
    let replaced = upload(file_form("photo.png", jpeg.clone(), "image/png"))
        .await
        .unwrap();
    assert_eq!(replaced.status(), 200);
    let served = app.get(&format!("/api/v1/users/{id}/avatar")).await;
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert!(
        !app.data_dir
            .path()
            .join("avatars")
            .join(format!("{id}.png"))
            .exists(),
        "the old file is gone"
    );

    let not_image = upload(file_form(
        "evil.png",
        b"name,revenue\nacme,10\n".to_vec(),
        "image/png",
    ))
    .await
    .unwrap();
    assert_eq!(error_code(not_image, 415).await, "unsupported_image_type");
    let big = [PNG, &vec![0u8; 2 * 1024 * 1024][..]].concat();
    let too_big = upload(file_form("big.png", big, "image/png"))
        .await
        .unwrap();
    assert_eq!(error_code(too_big, 413).await, "avatar_too_large");
    let no_file = upload(Form::new().text("other", "x")).await.unwrap();
    assert_eq!(error_code(no_file, 400).await, "missing_file");

    let nobody = app
        .get(&format!("/api/v1/users/{}/avatar", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(error_code(nobody, 404).await, "not_found");
}
