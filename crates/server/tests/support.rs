//! Spawns the real server on port 0 with a fresh temporary data directory and
//! a fresh metadata database, and talks HTTP to it.

#![allow(dead_code)]

use reqwest::{Client, Response};
use serde_json::Value;
use server::{AppState, Settings};
use std::net::SocketAddr;

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: Client,
    pub data_dir: tempfile::TempDir,
    /// The running server's state (for seeding and direct checks).
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let store = store::connect(
            data_dir.path().join("meta.db").to_str().unwrap(),
            store::PoolOptions::default(),
        )
        .await
        .unwrap();
        let mut settings = Settings::for_tests(data_dir.path().to_path_buf());
        configure(&mut settings);
        let state = AppState::build(settings, store).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server::launch(listener, state.clone(), async move {
            let _ = rx.await;
        }));
        Self {
            addr,
            client: Client::new(),
            data_dir,
            state,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Asserts the error contract and returns the error code.
pub async fn error_code(response: Response, status: u16) -> String {
    assert_eq!(response.status().as_u16(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: Value = response.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "error without a message: {body}");
    body["error"]["code"].as_str().unwrap().to_string()
}

// ---- accounts: registering, signing in and authenticated requests ----

/// A password that satisfies the policy.
pub const PASSWORD: &str = "Str0ng!pass";

/// A fresh address, so tests never collide.
pub fn unique_email() -> String {
    format!("user-{}@example.com", uuid::Uuid::new_v4().simple())
}

impl TestApp {
    /// `POST path` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// A request carrying `Authorization: Bearer <token>` (an access token or API key).
    pub fn authed(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    /// Registers an account; panics unless it is created.
    pub async fn register(&self, email: &str, password: &str) -> Value {
        let response = self
            .post_json("/api/v1/auth/register", &serde_json::json!({"email": email, "password": password, "full_name": "Test User"}))
            .await;
        assert_eq!(
            response.status(),
            201,
            "register failed: {}",
            response.text().await.unwrap()
        );
        response.json().await.unwrap()
    }

    /// Signs in; returns the login response (`access_token`, `refresh_token`, `user`).
    pub async fn login(&self, email: &str, password: &str) -> Value {
        let response = self
            .post_json(
                "/api/v1/auth/login",
                &serde_json::json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(
            response.status(),
            200,
            "login failed: {}",
            response.text().await.unwrap()
        );
        response.json().await.unwrap()
    }

    /// Registers a fresh user and signs in: `(access token, user id)`.
    pub async fn register_and_login(&self) -> (String, String) {
        let email = unique_email();
        let user = self.register(&email, PASSWORD).await;
        let login = self.login(&email, PASSWORD).await;
        (
            login["access_token"].as_str().unwrap().to_string(),
            user["id"].as_str().unwrap().to_string(),
        )
    }

    /// The token from the newest emailed link of `kind` (`verify-email` or
    /// `reset-password`) sent to `email`, waiting up to 5 s for it to arrive.
    pub async fn emailed_token(&self, email: &str, kind: &str) -> String {
        let outbox = self.data_dir.path().join("outbox");
        let marker = format!("/{kind}?token=");
        for _ in 0..100 {
            let mut names: Vec<_> = std::fs::read_dir(&outbox)
                .map(|dir| dir.filter_map(|e| e.ok()).map(|e| e.path()).collect())
                .unwrap_or_default();
            names.retain(|p| p.extension().is_some_and(|e| e == "eml"));
            names.sort();
            for path in names.iter().rev() {
                let text = std::fs::read_to_string(path).unwrap();
                if !text.lines().any(|l| l == format!("To: {email}")) {
                    continue;
                }
                if let Some(at) = text.find(&marker) {
                    let rest = &text[at + marker.len()..];
                    return rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no {kind} email for {email} in {}", outbox.display());
    }
}

/// The Redis for tests (`INSIGHTIQ_TEST_REDIS_URL`). Unset: `None` with a printed
/// notice, except under CI, where the Redis tests must run.
pub fn test_redis_url() -> Option<String> {
    match std::env::var("INSIGHTIQ_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!("CI must set INSIGHTIQ_TEST_REDIS_URL"),
        _ => {
            eprintln!("notice: INSIGHTIQ_TEST_REDIS_URL is not set; skipping this Redis test");
            None
        }
    }
}

/// A real public table from the shared question sets (tests may read ../shared).
pub fn shared_table(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/eval/business-dev/tables")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

impl TestApp {
    /// Uploads `bytes` as `file_name`; returns the raw response.
    pub async fn upload(&self, token: &str, file_name: &str, bytes: Vec<u8>) -> Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.authed(
            reqwest::Method::POST,
            "/api/v1/data-sources/upload-csv",
            token,
        )
        .multipart(form)
        .send()
        .await
        .unwrap()
    }

    /// Uploads and expects 201; returns the data source.
    pub async fn upload_ok(&self, token: &str, file_name: &str, bytes: Vec<u8>) -> Value {
        let response = self.upload(token, file_name, bytes).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "upload failed: {body}");
        body
    }

    /// `GET path` with a token, expecting 200; returns the JSON body.
    pub async fn get_ok(&self, path: &str, token: &str) -> Value {
        let response = self
            .authed(reqwest::Method::GET, path, token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// `POST path` with a token and JSON body; returns status and body.
    pub async fn post_authed(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        let response = self
            .authed(reqwest::Method::POST, path, token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Every file under the data directory's `uploads/` and `processed/` folders.
    pub fn stored_files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.data_dir.path().join("uploads"), &mut out);
        walk(&self.data_dir.path().join("processed"), &mut out);
        out
    }
}
