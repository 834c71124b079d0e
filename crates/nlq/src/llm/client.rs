//! The OpenAI chat-completions protocol, as OpenAI, Azure, Ollama, vLLM and
//! llama.cpp's server speak it: one request per reply, retried with backoff on
//! 429 and 5xx (honouring `Retry-After`), with structured output when the server
//! supports it.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How to reach the model. `Debug` never shows the key.
#[derive(Clone)]
pub struct LlmConfig {
    /// Up to and including `/v1`: `https://api.openai.com/v1`, `http://127.0.0.1:8089/v1`.
    pub base_url: String,
    pub api_key: String,
    pub model: String,
    pub temperature: f64,
    pub max_tokens: u32,
    pub connect_timeout: Duration,
    /// Longest wait for one reply.
    pub timeout: Duration,
    /// Further tries after a 429, a 5xx or a refused connection.
    pub max_retries: u32,
}

impl LlmConfig {
    pub const DEFAULT_BASE_URL: &'static str = "https://api.openai.com/v1";
    pub const DEFAULT_MODEL: &'static str = "gpt-4-turbo";
}

impl fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"***")
            .field("model", &self.model)
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message {
            role: "system",
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: "user",
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Message {
            role: "assistant",
            content: content.into(),
        }
    }
}

/// Tokens a reply cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
    }
}

/// One reply of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub content: String,
    pub usage: Usage,
}

/// Why no reply came.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("the language model did not answer within {seconds} s")]
    Timeout { seconds: u64 },
    #[error("the language model could not be reached: {0}")]
    Unreachable(String),
    #[error("the language model is rate limited{}", retry_hint(*retry_after))]
    RateLimited { retry_after: Option<Duration> },
    #[error("the language model failed with HTTP {status}: {message}")]
    Server { status: u16, message: String },
    #[error("the language model refused the request with HTTP {status}: {message}")]
    Rejected { status: u16, message: String },
    #[error("the language model sent a reply that is not a chat completion: {0}")]
    Malformed(String),
}

fn retry_hint(after: Option<Duration>) -> String {
    after
        .map(|d| format!(" (retry after {} s)", d.as_secs().max(1)))
        .unwrap_or_default()
}

/// Structured-output modes, best first. A server that rejects one is asked
/// with the next, and remembered.
const JSON_SCHEMA: u8 = 0;
const JSON_OBJECT: u8 = 1;
const PLAIN: u8 = 2;

/// Longest pause between tries, whatever `Retry-After` says.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// A chat-completions client. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct LlmClient {
    http: reqwest::Client,
    config: LlmConfig,
    /// The best structured-output mode this server accepted so far.
    format: AtomicU8,
}

impl LlmClient {
    pub fn new(config: LlmConfig) -> Result<Self, ChatError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .build()
            .map_err(|e| ChatError::Unreachable(e.to_string()))?;
        Ok(LlmClient {
            http,
            config,
            format: AtomicU8::new(JSON_SCHEMA),
        })
    }

    pub fn model(&self) -> &str {
        &self.config.model
    }

    /// The model's next reply to `messages`; `schema` is the JSON schema the
    /// reply should follow when the server can enforce one.
    pub async fn complete(
        &self,
        messages: &[Message],
        schema: &Value,
    ) -> Result<Completion, ChatError> {
        let mut retries = 0;
        loop {
            let format = self.format.load(Ordering::Relaxed);
            match self.send(messages, schema, format).await {
                Err(ChatError::Rejected { status, .. })
                    if format < PLAIN && (status == 400 || status == 422) =>
                {
                    // Most likely `response_format` is what the server does not
                    // support: ask again with a plainer one.
                    tracing::info!(
                        format,
                        status,
                        "LLM server rejected the response format; trying a plainer one"
                    );
                    self.format.store(format + 1, Ordering::Relaxed);
                }
                Err(e) if retries < self.config.max_retries && retryable(&e) => {
                    let pause = backoff(retries, &e);
                    tracing::warn!(error = %e, pause_ms = pause.as_millis() as u64, "LLM request failed; retrying");
                    tokio::time::sleep(pause).await;
                    retries += 1;
                }
                other => return other,
            }
        }
    }

    async fn send(
        &self,
        messages: &[Message],
        schema: &Value,
        format: u8,
    ) -> Result<Completion, ChatError> {
        let mut body = json!({
            "model": self.config.model,
            "messages": messages,
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_tokens,
        });
        match format {
            JSON_SCHEMA => {
                body["response_format"] = json!({
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "strict": true, "schema": schema},
                })
            }
            JSON_OBJECT => body["response_format"] = json!({"type": "json_object"}),
            _ => {}
        }
        let url = format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        );
        let response = self
            .http
            .post(&url)
            .bearer_auth(&self.config.api_key)
            .json(&body)
            .send()
            .await
            .map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = response.text().await.map_err(|e| self.transport_error(e))?;
        if status.as_u16() == 429 {
            return Err(ChatError::RateLimited { retry_after });
        }
        if !status.is_success() {
            let message = error_message(&text);
            return Err(if status.is_server_error() {
                ChatError::Server {
                    status: status.as_u16(),
                    message,
                }
            } else {
                ChatError::Rejected {
                    status: status.as_u16(),
                    message,
                }
            });
        }
        parse_completion(&text)
    }

    fn transport_error(&self, e: reqwest::Error) -> ChatError {
        if e.is_timeout() {
            ChatError::Timeout {
                seconds: self.config.timeout.as_secs().max(1),
            }
        } else {
            // Without the URL: it may carry a key in its query.
            ChatError::Unreachable(e.without_url().to_string())
        }
    }
}

fn retryable(e: &ChatError) -> bool {
    matches!(
        e,
        ChatError::RateLimited { .. } | ChatError::Server { .. } | ChatError::Unreachable(_)
    )
}

/// `Retry-After` when the server gave one, else 0.5 s, 1 s, 2 s … with jitter.
fn backoff(retry: u32, e: &ChatError) -> Duration {
    if let ChatError::RateLimited {
        retry_after: Some(after),
    } = e
    {
        return (*after).min(MAX_BACKOFF);
    }
    let base = Duration::from_millis(500) * 2u32.saturating_pow(retry);
    let jitter = Duration::from_millis(rand::random::<u64>() % 250);
    (base + jitter).min(MAX_BACKOFF)
}

/// The `error.message` of an OpenAI-style error body, or the start of the body.
fn error_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| body.chars().take(200).collect())
}

fn parse_completion(body: &str) -> Result<Completion, ChatError> {
    #[derive(Deserialize)]
    struct Reply {
        choices: Vec<Choice>,
        #[serde(default)]
        usage: Option<RawUsage>,
    }
    #[derive(Deserialize)]
    struct Choice {
        message: ChoiceMessage,
    }
    #[derive(Deserialize)]
    struct ChoiceMessage {
        #[serde(default)]
        content: Option<String>,
    }
    #[derive(Deserialize)]
    struct RawUsage {
        #[serde(default)]
        prompt_tokens: u64,
        #[serde(default)]
        completion_tokens: u64,
    }
    let reply: Reply =
        serde_json::from_str(body).map_err(|e| ChatError::Malformed(e.to_string()))?;
    let content = reply
        .choices
        .into_iter()
        .next()
        .and_then(|c| c.message.content)
        .ok_or_else(|| ChatError::Malformed("no message in the reply".into()))?;
    let usage = reply
        .usage
        .map(|u| Usage {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
        })
        .unwrap_or_default();
    Ok(Completion { content, usage })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_completion_and_its_usage() {
        let body = r#"{"choices":[{"message":{"role":"assistant","content":"{\"sql\":\"SELECT 1\"}"}}],
                       "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"#;
        let c = parse_completion(body).unwrap();
        assert_eq!(c.content, r#"{"sql":"SELECT 1"}"#);
        assert_eq!(c.usage.prompt_tokens + c.usage.completion_tokens, 17);
        assert!(matches!(
            parse_completion("<html>"),
            Err(ChatError::Malformed(_))
        ));
    }

    #[test]
    fn backoff_honours_retry_after_within_a_cap() {
        let limited = |s| ChatError::RateLimited {
            retry_after: Some(Duration::from_secs(s)),
        };
        assert_eq!(backoff(0, &limited(3)), Duration::from_secs(3));
        assert_eq!(backoff(0, &limited(3600)), MAX_BACKOFF);
        let server = ChatError::Server {
            status: 503,
            message: String::new(),
        };
        assert!(backoff(2, &server) >= Duration::from_secs(2));
    }

    #[test]
    fn the_key_is_never_printed() {
        let config = LlmConfig {
            base_url: "http://x/v1".into(),
            api_key: "sk-secret".into(),
            model: "m".into(),
            temperature: 0.2,
            max_tokens: 10,
            connect_timeout: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
            max_retries: 0,
        };
        assert!(!format!("{config:?}").contains("sk-secret"));
    }
}
