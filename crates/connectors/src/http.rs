//! HTTP for connectors: every hop (redirects included) checked against the
//! [`NetworkPolicy`] and pinned to the addresses it approved, transient errors
//! (429, 5xx, refused connections) retried with backoff honouring `Retry-After`,
//! and bodies read under a size cap.

use crate::{ConnectorError, NetworkPolicy, Result};
use futures::StreamExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Limits and policy shared by every request of one fetch.
#[derive(Debug, Clone)]
pub struct HttpClient {
    pub policy: NetworkPolicy,
    /// Per request, connection to last byte.
    pub timeout: Duration,
    /// Further tries after a 429, a 5xx or a failed connection.
    pub max_retries: u32,
    /// Largest body read into memory or written to a file.
    pub max_body_bytes: u64,
    /// Longest `Retry-After` honoured; a server asking for more fails the fetch.
    pub max_retry_after: Duration,
}

impl HttpClient {
    pub fn new(policy: NetworkPolicy) -> Self {
        HttpClient {
            policy,
            timeout: Duration::from_secs(30),
            max_retries: 3,
            max_body_bytes: 100 * 1024 * 1024,
            max_retry_after: Duration::from_secs(30),
        }
    }
}

/// One request to make.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub json: Option<serde_json::Value>,
    /// `application/x-www-form-urlencoded` fields (OAuth token requests).
    pub form: Option<Vec<(String, String)>>,
}

impl Request {
    pub fn get(url: Url) -> Self {
        Request {
            method: Method::GET,
            url,
            headers: HeaderMap::new(),
            json: None,
            form: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| ConnectorError::Invalid(format!("`{name}` is not a valid header name")))?;
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            ConnectorError::Invalid(format!("the value of header `{name}` is not valid"))
        })?;
        if is_sensitive(name.as_str()) {
            value.set_sensitive(true);
        }
        self.headers.insert(name, value);
        Ok(self)
    }
}

/// Header names whose values are credentials.
pub fn is_sensitive(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "authorization"
        || n == "cookie"
        || n == "proxy-authorization"
        || ["key", "token", "secret", "password", "auth"]
            .iter()
            .any(|w| n.contains(w))
}

/// A final (non-redirect, successful) response; its body is read separately.
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// Where it came from after redirects.
    pub url: Url,
    inner: reqwest::Response,
    max_body_bytes: u64,
}

impl Response {
    pub async fn bytes(self) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        let mut stream = self.inner.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| transport("reading the response", &e))?;
            if body.len() as u64 + chunk.len() as u64 > self.max_body_bytes {
                return Err(too_large(self.max_body_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    pub async fn json(self) -> Result<serde_json::Value> {
        let url = self.url.clone();
        let body = self.bytes().await?;
        serde_json::from_slice(&body).map_err(|e| {
            ConnectorError::Invalid(format!("{} did not answer with JSON: {e}", shown(&url)))
        })
    }

    /// Streams the body to `out` under the size cap; returns its size.
    pub async fn save(self, out: &Path) -> Result<u64> {
        let mut file = tokio::fs::File::create(out).await?;
        let mut size = 0u64;
        let mut stream = self.inner.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| transport("reading the response", &e))?;
            size += chunk.len() as u64;
            if size > self.max_body_bytes {
                return Err(too_large(self.max_body_bytes));
            }
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        Ok(size)
    }
}

const MAX_REDIRECTS: usize = 5;

impl HttpClient {
    /// Sends `request`, following redirects and retrying transient failures.
    /// A final status other than 2xx is an error saying what the server said.
    pub async fn send(&self, request: &Request) -> Result<Response> {
        let mut attempt = 0u32;
        loop {
            match self.send_once(request).await {
                Err(Retry::Now { wait, reason }) if attempt < self.max_retries => {
                    attempt += 1;
                    tracing::debug!(attempt, %reason, "retrying a connector request");
                    tokio::time::sleep(wait.unwrap_or_else(|| backoff(attempt))).await;
                }
                Err(Retry::Now { reason, .. }) => return Err(ConnectorError::Unreachable(reason)),
                Err(Retry::Never(err)) => return Err(err),
                Ok(response) => return Ok(response),
            }
        }
    }

    async fn send_once(&self, request: &Request) -> Result<Response, Retry> {
        let mut current = request.clone();
        for _ in 0..=MAX_REDIRECTS {
            let response = self.hop(&current).await?;
            let status = response.status();
            if status.is_redirection() {
                let next = redirect_target(&current.url, response.headers())?;
                if next.host_str() != current.url.host_str() {
                    // Credentials are for the host they were given for.
                    current.headers.remove(AUTHORIZATION);
                    drop_credentials(&mut current.headers);
                }
                if status == StatusCode::SEE_OTHER
                    || (current.method == Method::POST
                        && matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND))
                {
                    current.method = Method::GET;
                    current.json = None;
                    current.form = None;
                }
                current.url = next;
                continue;
            }
            if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                let wait = retry_after(response.headers());
                if wait.is_some_and(|w| w > self.max_retry_after) {
                    return Err(Retry::Never(ConnectorError::Unreachable(format!(
                        "{} asks to wait {} s before trying again (HTTP {status}); sync later",
                        current.url.host_str().unwrap_or_default(),
                        wait.unwrap_or_default().as_secs()
                    ))));
                }
                let detail = body_hint(response).await;
                return Err(Retry::Now {
                    wait,
                    reason: format!("{} answered HTTP {status}{detail}", shown(&current.url)),
                });
            }
            if !status.is_success() {
                let detail = body_hint(response).await;
                let message = format!("{} answered HTTP {status}{detail}", shown(&current.url));
                return Err(Retry::Never(
                    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
                        ConnectorError::Auth(format!("{message}; check the credentials"))
                    } else {
                        ConnectorError::Unreachable(message)
                    },
                ));
            }
            return Ok(Response {
                status,
                headers: response.headers().clone(),
                url: current.url.clone(),
                inner: response,
                max_body_bytes: self.max_body_bytes,
            });
        }
        Err(Retry::Never(ConnectorError::Unreachable(format!(
            "{} redirected more than {MAX_REDIRECTS} times",
            shown(&request.url)
        ))))
    }

    /// One request to one URL, pinned to the addresses the policy approved.
    async fn hop(&self, request: &Request) -> Result<reqwest::Response, Retry> {
        let url = &request.url;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Retry::Never(ConnectorError::Invalid(format!(
                "{}: only http and https URLs can be fetched",
                shown(url)
            ))));
        }
        let host = url.host_str().ok_or_else(|| {
            Retry::Never(ConnectorError::Invalid(format!(
                "{} has no host",
                shown(url)
            )))
        })?;
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs = self
            .policy
            .resolve(host, port)
            .await
            .map_err(Retry::Never)?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("InsightIQ/", env!("CARGO_PKG_VERSION")))
            .resolve_to_addrs(host.trim_start_matches('[').trim_end_matches(']'), &addrs)
            .build()
            .map_err(|e| Retry::Never(ConnectorError::Io(std::io::Error::other(e))))?;
        let mut builder = client
            .request(request.method.clone(), url.clone())
            .headers(request.headers.clone());
        if let Some(json) = &request.json {
            builder = builder.json(json);
        }
        if let Some(form) = &request.form {
            builder = builder.form(form);
        }
        builder.send().await.map_err(|e| {
            if e.is_timeout() {
                Retry::Never(ConnectorError::Timeout(format!(
                    "{} did not answer within {} s",
                    url.host_str().unwrap_or_default(),
                    self.timeout.as_secs()
                )))
            } else {
                Retry::Now {
                    wait: None,
                    reason: transport(&format!("connecting to {}", shown(url)), &e).to_string(),
                }
            }
        })
    }
}

enum Retry {
    /// Worth another try (after `wait`, when the server said how long).
    Now {
        wait: Option<Duration>,
        reason: String,
    },
    Never(ConnectorError),
}

/// Drops every credential header (before following a redirect to another host).
fn drop_credentials(headers: &mut HeaderMap) {
    let names: Vec<HeaderName> = headers
        .keys()
        .filter(|n| is_sensitive(n.as_str()))
        .cloned()
        .collect();
    for name in names {
        headers.remove(name);
    }
}

/// A URL as messages show it: without its query, which may carry an API key.
pub fn shown(url: &Url) -> String {
    format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.path()
    )
}

fn redirect_target(from: &Url, headers: &HeaderMap) -> Result<Url, Retry> {
    let location = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            Retry::Never(ConnectorError::Unreachable(format!(
                "{} redirected without a Location",
                shown(from)
            )))
        })?;
    from.join(location).map_err(|_| {
        Retry::Never(ConnectorError::Unreachable(format!(
            "{} redirected to an invalid URL",
            shown(from)
        )))
    })
}

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and ignored).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64 << attempt.min(6))
}

/// The start of an error body, for the message (APIs explain themselves there).
async fn body_hint(response: reqwest::Response) -> String {
    let text = response.text().await.unwrap_or_default();
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        String::new()
    } else {
        let cut: String = text.chars().take(200).collect();
        format!(": {cut}")
    }
}

fn transport(doing: &str, err: &reqwest::Error) -> ConnectorError {
    // reqwest's Display can include the URL with its query (an API key): say what failed instead.
    let kind = if err.is_connect() {
        "the connection failed"
    } else if err.is_timeout() {
        "it timed out"
    } else if err.is_body() || err.is_decode() {
        "the body could not be read"
    } else {
        "the request failed"
    };
    let at = err
        .url()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    ConnectorError::Unreachable(format!("{doing}: {kind} ({at})"))
}

fn too_large(limit: u64) -> ConnectorError {
    ConnectorError::TooLarge(format!(
        "the response is larger than {} MB; select fewer records",
        limit / (1024 * 1024)
    ))
}
