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
        tokio::spawn(server::launch(listener, state, async move {
            let _ = rx.await;
        }));
        Self {
            addr,
            client: Client::new(),
            data_dir,
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
