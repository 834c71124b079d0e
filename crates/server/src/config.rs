//! Command-line interface and configuration: every setting is a flag and an
//! environment variable, layered as defaults < environment < flags.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;

/// InsightIQ: a self-hosted AI data analyst. Upload data, ask questions in plain
/// English, get the number, the SQL behind it and a chart.
#[derive(Debug, Parser)]
#[command(name = "insightiq", version, about, long_about = None)]
pub struct Cli {
    /// Log output format.
    #[arg(long, env = "INSIGHTIQ_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Log filter (tracing directives such as `info` or `server=debug,info`).
    #[arg(long, env = "INSIGHTIQ_LOG", default_value = "info", global = true)]
    pub log_level: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (API, interactive docs at /docs, and the web app).
    Serve(Box<ServeArgs>),
    /// Apply pending metadata-store migrations and exit.
    Migrate(StoreArgs),
    /// Answer one question about a CSV/XLSX/JSON file, offline.
    Ask(crate::cli::ask::AskArgs),
    /// Run a question set (the shared eval format) and print accuracy.
    Eval(crate::cli::eval::EvalArgs),
    /// Print the OpenAPI document (the one served at /api/v1/openapi.json) and exit.
    Openapi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

/// Where metadata and files live.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Directory for the SQLite database, uploads, Parquet snapshots, generated
    /// secrets and the email outbox.
    #[arg(long, env = "INSIGHTIQ_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Metadata database. `postgres://` or `postgresql://` selects PostgreSQL;
    /// unset means SQLite at DATA_DIR/insightiq.db.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,
}

impl StoreArgs {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.expose().is_empty() => url.expose().to_string(),
            _ => self.data_dir.join("insightiq.db").display().to_string(),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "INSIGHTIQ_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on (0 picks a free one and logs it).
    #[arg(long, env = "INSIGHTIQ_PORT", default_value_t = 8000)]
    pub port: u16,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Redis for the result cache, sessions and shared rate limits. Unset means
    /// in-process equivalents.
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<Secret>,
    /// `production` refuses to start without real JWT secrets and never seeds demo data.
    #[arg(long = "env", env = "INSIGHTIQ_ENV", value_enum, default_value_t = Environment::Development)]
    pub environment: Environment,
    /// Shorthand for `--env production`.
    #[arg(long)]
    pub production: bool,
    /// Secret for access tokens (generated and kept in DATA_DIR when unset, outside production).
    #[arg(long, env = "JWT_SECRET_KEY", hide_env_values = true)]
    pub jwt_secret_key: Option<Secret>,
    /// Secret for refresh tokens (generated and kept in DATA_DIR when unset, outside production).
    #[arg(long, env = "JWT_REFRESH_SECRET_KEY", hide_env_values = true)]
    pub jwt_refresh_secret_key: Option<Secret>,
    /// The web app's origin when it is served from elsewhere (enables CORS for it only).
    #[arg(long, env = "INSIGHTIQ_CORS_ORIGIN")]
    pub cors_origin: Option<String>,
    /// Directory of the built web app.
    #[arg(long, env = "INSIGHTIQ_WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,
    /// Largest accepted upload, in megabytes.
    #[arg(long, env = "INSIGHTIQ_MAX_UPLOAD_MB", default_value_t = 100)]
    pub max_upload_mb: u64,
    /// Storage quota per user, in bytes (originals + snapshots).
    #[arg(long, env = "INSIGHTIQ_STORAGE_LIMIT_BYTES", default_value_t = 10 * 1024 * 1024 * 1024)]
    pub storage_limit_bytes: u64,
    /// Per-query timeout in seconds.
    #[arg(long, env = "INSIGHTIQ_QUERY_TIMEOUT_SECS", default_value_t = 30)]
    pub query_timeout_secs: u64,
    /// Per-query memory budget in megabytes.
    #[arg(long, env = "INSIGHTIQ_QUERY_MEMORY_MB", default_value_t = 512)]
    pub query_memory_mb: u64,
    /// Memory for decoded columns kept across queries, in megabytes (0 turns it off).
    /// Repeated questions about a data source then skip Parquet decoding.
    #[arg(long, env = "INSIGHTIQ_COLUMN_CACHE_MB", default_value_t = 1024)]
    pub column_cache_mb: u64,
    /// Most rows a query returns (the true count is still reported).
    #[arg(long, env = "INSIGHTIQ_MAX_RESULT_ROWS", default_value_t = 10_000)]
    pub max_result_rows: usize,
    /// Trust `X-Forwarded-For` from these proxy addresses (comma-separated) for client IPs.
    #[arg(long, env = "INSIGHTIQ_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// Turn rate limiting off (for local load tests only).
    #[arg(long, env = "INSIGHTIQ_DISABLE_RATE_LIMITS")]
    pub disable_rate_limits: bool,
    /// SMTP server for email (`smtp://user:pass@host:587` or `smtps://…`). Unset
    /// writes emails to DATA_DIR/outbox and the log.
    #[arg(long, env = "INSIGHTIQ_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// Sender address for email.
    #[arg(
        long,
        env = "INSIGHTIQ_MAIL_FROM",
        default_value = "InsightIQ <no-reply@insightiq.local>"
    )]
    pub mail_from: String,
    /// Public URL of the app, used in links inside emails.
    #[arg(
        long,
        env = "INSIGHTIQ_PUBLIC_URL",
        default_value = "http://localhost:8000"
    )]
    pub public_url: String,
    /// Do not create the demo account and datasets on first start.
    #[arg(long, env = "INSIGHTIQ_NO_DEMO")]
    pub no_demo: bool,
    #[command(flatten)]
    pub llm: LlmArgs,
    #[command(flatten)]
    pub connectors: ConnectorArgs,
    /// Language-model tokens (prompt plus completion) a user may spend per UTC day; 0 means no limit.
    #[arg(
        long,
        env = "INSIGHTIQ_LLM_DAILY_TOKENS_PER_USER",
        default_value_t = 200_000
    )]
    pub llm_daily_tokens_per_user: u64,
    /// Tokens one API key may spend per UTC day (within its owner's budget); 0 means no limit.
    #[arg(
        long,
        env = "INSIGHTIQ_LLM_DAILY_TOKENS_PER_API_KEY",
        default_value_t = 100_000
    )]
    pub llm_daily_tokens_per_api_key: u64,
}

/// Connected sources: Google Sheets, REST APIs and databases.
#[derive(Debug, Clone, Args)]
pub struct ConnectorArgs {
    /// Key that encrypts stored connection secrets (passwords, tokens, API keys):
    /// 32 bytes, base64. Generated and kept in DATA_DIR when unset, outside
    /// production; production refuses to start without it.
    #[arg(long, env = "INSIGHTIQ_SECRETS_KEY", hide_env_values = true)]
    pub secrets_key: Option<Secret>,
    /// Hosts connectors may reach although they are private, loopback or
    /// link-local (comma-separated names or addresses, e.g. `localhost,db.internal`).
    #[arg(long, env = "INSIGHTIQ_CONNECTOR_ALLOW_HOSTS", value_delimiter = ',')]
    pub connector_allow_hosts: Vec<String>,
    /// Most rows read from a database table or query into a snapshot.
    #[arg(
        long,
        env = "INSIGHTIQ_CONNECTOR_MAX_ROWS",
        default_value_t = 5_000_000
    )]
    pub connector_max_rows: u64,
    /// Seconds a connector request or database statement may take.
    #[arg(long, env = "INSIGHTIQ_CONNECTOR_TIMEOUT_SECS", default_value_t = 60)]
    pub connector_timeout_secs: u64,
    /// Base URL of Google Docs, where shared sheets are exported from.
    #[arg(
        long,
        env = "INSIGHTIQ_GOOGLE_DOCS_URL",
        default_value = "https://docs.google.com"
    )]
    pub google_docs_url: String,
    /// Seconds a server holds a source's sync lease between renewals; a sync
    /// left by a stopped server is taken over after it runs out.
    #[arg(long, env = "INSIGHTIQ_SYNC_LEASE_SECS", default_value_t = 60)]
    pub sync_lease_secs: u64,
}

/// The language model for questions the rules engine cannot answer. Without
/// `OPENAI_API_KEY` nothing leaves the machine.
#[derive(Debug, Clone, Args)]
pub struct LlmArgs {
    /// Key of an OpenAI-compatible API (any non-empty value for servers that need none).
    #[arg(long, env = "OPENAI_API_KEY", hide_env_values = true)]
    pub openai_api_key: Option<Secret>,
    /// Base URL of the API, up to `/v1` (Azure, Ollama, vLLM and llama.cpp speak the same protocol).
    #[arg(long, env = "OPENAI_BASE_URL", default_value = nlq::llm::LlmConfig::DEFAULT_BASE_URL)]
    pub openai_base_url: String,
    /// Model name sent with every request.
    #[arg(long, env = "INSIGHTIQ_LLM_MODEL", default_value = nlq::llm::LlmConfig::DEFAULT_MODEL)]
    pub llm_model: String,
    /// Sampling temperature.
    #[arg(long, env = "INSIGHTIQ_LLM_TEMPERATURE", default_value_t = 0.2)]
    pub llm_temperature: f64,
    /// Most tokens per reply.
    #[arg(long, env = "INSIGHTIQ_LLM_MAX_TOKENS", default_value_t = 2000)]
    pub llm_max_tokens: u32,
    /// Seconds to wait for a connection to the API.
    #[arg(long, env = "INSIGHTIQ_LLM_CONNECT_TIMEOUT_SECS", default_value_t = 5)]
    pub llm_connect_timeout_secs: u64,
    /// Seconds to wait for one reply.
    #[arg(long, env = "INSIGHTIQ_LLM_TIMEOUT_SECS", default_value_t = 60)]
    pub llm_timeout_secs: u64,
    /// Further tries after a 429, a 5xx or a refused connection (with backoff, honouring Retry-After).
    #[arg(long, env = "INSIGHTIQ_LLM_MAX_RETRIES", default_value_t = 2)]
    pub llm_max_retries: u32,
    /// Which engine answers questions: `rules` (offline only), `llm`, or `auto`
    /// (the rules engine when it is confident, otherwise the LLM when one is configured).
    #[arg(long, env = "INSIGHTIQ_NL_ENGINE", default_value = "auto", value_parser = parse_engine)]
    pub nl_engine: domain::NlEngine,
}

pub(crate) fn parse_engine(text: &str) -> Result<domain::NlEngine, String> {
    text.parse()
}

impl LlmArgs {
    /// The client settings, when a key is set.
    pub fn config(&self) -> Option<nlq::llm::LlmConfig> {
        let key = self
            .openai_api_key
            .as_ref()
            .filter(|k| !k.expose().is_empty())?;
        Some(nlq::llm::LlmConfig {
            base_url: self.openai_base_url.clone(),
            api_key: key.expose().to_string(),
            model: self.llm_model.clone(),
            temperature: self.llm_temperature,
            max_tokens: self.llm_max_tokens,
            connect_timeout: std::time::Duration::from_secs(self.llm_connect_timeout_secs),
            timeout: std::time::Duration::from_secs(self.llm_timeout_secs),
            max_retries: self.llm_max_retries,
        })
    }
}

impl ServeArgs {
    pub fn is_production(&self) -> bool {
        self.production || self.environment == Environment::Production
    }
}

/// A configuration value that must never be printed: `Debug` and `Display` hide it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
    }

    #[test]
    fn help_mentions_every_variable() {
        let mut cmd = Cli::command();
        let serve = cmd
            .find_subcommand_mut("serve")
            .unwrap()
            .render_long_help()
            .to_string();
        for var in [
            "INSIGHTIQ_PORT",
            "INSIGHTIQ_DATA_DIR",
            "DATABASE_URL",
            "REDIS_URL",
            "JWT_SECRET_KEY",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "INSIGHTIQ_LLM_MODEL",
            "INSIGHTIQ_NL_ENGINE",
            "INSIGHTIQ_LLM_DAILY_TOKENS_PER_USER",
            "INSIGHTIQ_LLM_DAILY_TOKENS_PER_API_KEY",
            "INSIGHTIQ_SECRETS_KEY",
            "INSIGHTIQ_CONNECTOR_ALLOW_HOSTS",
        ] {
            assert!(serve.contains(var), "{var} missing from `serve --help`");
        }
    }
}

/// Everything configurable, resolved once at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub production: bool,
    pub data_dir: PathBuf,
    pub web_dir: PathBuf,
    pub cors_origin: Option<String>,
    pub redis_url: Option<Secret>,
    /// Prefix of every key this server keeps in Redis (tests use a unique one).
    pub redis_prefix: String,
    pub jwt_secret_key: Option<Secret>,
    pub jwt_refresh_secret_key: Option<Secret>,
    pub max_upload_bytes: u64,
    pub storage_limit_bytes: u64,
    pub query_timeout_secs: u64,
    pub query_memory_mb: u64,
    pub column_cache_mb: u64,
    pub max_result_rows: usize,
    pub trusted_proxies: Vec<IpAddr>,
    pub rate_limits_enabled: bool,
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub public_url: String,
    pub seed_demo: bool,
    /// The language model, when `OPENAI_API_KEY` is set.
    pub llm: Option<nlq::llm::LlmConfig>,
    /// The engine used when a request does not name one.
    pub nl_engine: domain::NlEngine,
    /// Daily language-model tokens per user and per API key (0: no limit).
    pub llm_daily_tokens_per_user: u64,
    pub llm_daily_tokens_per_api_key: u64,
    /// Connection-secret encryption key (base64 of 32 bytes), when configured.
    pub secrets_key: Option<Secret>,
    pub connector_allow_hosts: Vec<String>,
    pub connector_max_rows: u64,
    pub connector_timeout_secs: u64,
    pub google_docs_url: String,
    pub sync_lease_secs: u64,
}

impl Settings {
    pub fn from_args(args: &ServeArgs) -> Self {
        Self {
            production: args.is_production(),
            data_dir: args.store.data_dir.clone(),
            web_dir: args.web_dir.clone(),
            cors_origin: args.cors_origin.clone(),
            redis_url: args.redis_url.clone().filter(|u| !u.expose().is_empty()),
            redis_prefix: "insightiq:".into(),
            jwt_secret_key: args
                .jwt_secret_key
                .clone()
                .filter(|s| !s.expose().is_empty()),
            jwt_refresh_secret_key: args
                .jwt_refresh_secret_key
                .clone()
                .filter(|s| !s.expose().is_empty()),
            max_upload_bytes: args.max_upload_mb * 1024 * 1024,
            storage_limit_bytes: args.storage_limit_bytes,
            query_timeout_secs: args.query_timeout_secs,
            query_memory_mb: args.query_memory_mb,
            column_cache_mb: args.column_cache_mb,
            max_result_rows: args.max_result_rows,
            trusted_proxies: args.trusted_proxies.clone(),
            rate_limits_enabled: !args.disable_rate_limits,
            smtp_url: args.smtp_url.clone().filter(|u| !u.expose().is_empty()),
            mail_from: args.mail_from.clone(),
            public_url: args.public_url.clone(),
            seed_demo: !args.no_demo && !args.is_production(),
            llm: args.llm.config(),
            nl_engine: args.llm.nl_engine,
            llm_daily_tokens_per_user: args.llm_daily_tokens_per_user,
            llm_daily_tokens_per_api_key: args.llm_daily_tokens_per_api_key,
            secrets_key: args
                .connectors
                .secrets_key
                .clone()
                .filter(|s| !s.expose().is_empty()),
            connector_allow_hosts: args.connectors.connector_allow_hosts.clone(),
            connector_max_rows: args.connectors.connector_max_rows,
            connector_timeout_secs: args.connectors.connector_timeout_secs,
            google_docs_url: args.connectors.google_docs_url.clone(),
            sync_lease_secs: args.connectors.sync_lease_secs.max(1),
        }
    }

    /// Settings for tests: everything under `data_dir`, no web app, no demo.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            production: false,
            web_dir: data_dir.join("no-web"),
            data_dir,
            cors_origin: None,
            redis_url: None,
            redis_prefix: format!("insightiq-test-{}:", uuid::Uuid::new_v4().simple()),
            jwt_secret_key: None,
            jwt_refresh_secret_key: None,
            max_upload_bytes: 100 * 1024 * 1024,
            storage_limit_bytes: 10 * 1024 * 1024 * 1024,
            query_timeout_secs: 30,
            query_memory_mb: 512,
            column_cache_mb: 64,
            max_result_rows: 10_000,
            trusted_proxies: Vec::new(),
            rate_limits_enabled: true,
            smtp_url: None,
            mail_from: "InsightIQ <no-reply@insightiq.local>".into(),
            public_url: "http://localhost:8000".into(),
            seed_demo: false,
            llm: None,
            nl_engine: domain::NlEngine::Auto,
            llm_daily_tokens_per_user: 200_000,
            llm_daily_tokens_per_api_key: 100_000,
            secrets_key: None,
            connector_allow_hosts: Vec::new(),
            connector_max_rows: 5_000_000,
            connector_timeout_secs: 60,
            google_docs_url: "https://docs.google.com".into(),
            sync_lease_secs: 60,
        }
    }
}
