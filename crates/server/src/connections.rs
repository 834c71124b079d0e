//! Connected sources: how a Google Sheet, REST API or database is reached
//! (kept sealed in the source's `connection_info`, shown masked), and fetching
//! one into a Parquet snapshot with the same inference and profiling as an upload.

use crate::sources::{Ingested, SourceError};
use crate::state::AppState;
use crate::vault::Vault;
use connectors::database::{DatabaseConfig, DbLimits};
use connectors::http::HttpClient;
use connectors::rest::RestConfig;
use connectors::sheets::{GoogleEndpoints, SheetLinkConfig};
use connectors::{ConnectorError, NetworkPolicy};
use domain::{SourceType, UserId};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use utoipa::ToSchema;

/// Where a connected source's rows come from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Connection {
    /// A JSON API.
    Api(RestConfig),
    /// A PostgreSQL or MySQL/MariaDB table or read-only query.
    Database(DatabaseConfig),
    /// A Google Sheet shared by link.
    GoogleSheets(SheetLinkConfig),
}

impl Connection {
    pub fn source_type(&self) -> SourceType {
        match self {
            Connection::Api(_) => SourceType::Api,
            Connection::Database(_) => SourceType::Database,
            Connection::GoogleSheets(_) => SourceType::GoogleSheets,
        }
    }

    /// The settings with every secret masked.
    pub fn masked(&self) -> Value {
        let (kind, settings) = match self {
            Connection::Api(c) => ("api", c.masked()),
            Connection::Database(c) => ("database", c.masked()),
            Connection::GoogleSheets(c) => ("google_sheets", json!(c)),
        };
        json!({"kind": kind, "settings": settings})
    }

    /// A name for the source when the user gives none.
    pub fn default_name(&self) -> String {
        match self {
            Connection::Api(c) => c.host().unwrap_or_else(|| "API".into()),
            Connection::Database(c) => c
                .table
                .clone()
                .unwrap_or_else(|| format!("{} query", c.database)),
            Connection::GoogleSheets(c) => c.sheet.clone().unwrap_or_else(|| "Google Sheet".into()),
        }
    }

    /// What is stored as `connection_info`: the masked settings to show, and
    /// the whole settings sealed for the owner.
    pub fn stored(&self, vault: &Vault, owner: UserId) -> Value {
        let plain = serde_json::to_vec(self).unwrap_or_default();
        let mut stored = self.masked();
        stored["sealed"] = Value::String(vault.seal(owner, &plain));
        stored
    }

    /// The settings of a stored `connection_info`.
    pub fn open(info: &Value, vault: &Vault, owner: UserId) -> Result<Connection, SourceError> {
        let sealed = info
            .get("sealed")
            .and_then(Value::as_str)
            .ok_or(SourceError::NotConnected)?;
        let plain = vault
            .open(owner, sealed)
            .map_err(SourceError::SecretUnreadable)?;
        serde_json::from_slice(&plain)
            .map_err(|_| SourceError::SecretUnreadable(crate::vault::Unreadable))
    }
}

/// The masked settings of a stored `connection_info` (uploads have none).
pub fn shown(info: Option<&Value>) -> Option<Value> {
    let info = info?;
    info.get("sealed")?;
    Some(json!({"kind": info.get("kind"), "settings": info.get("settings")}))
}

/// How much to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// Everything, within the configured limits.
    Full,
    /// The first rows only (a "test connection" preview).
    Sample(u64),
}

/// A snapshot fetched from a connection.
pub struct Fetched {
    pub ingested: Ingested,
    /// Set when a limit stopped the read early: what to tell the user.
    pub truncated: Option<String>,
}

pub fn http_client(state: &AppState) -> HttpClient {
    let mut client = HttpClient::new(policy(state));
    client.timeout = Duration::from_secs(state.settings.connector_timeout_secs);
    client.max_body_bytes = state.settings.max_upload_bytes;
    client
}

fn policy(state: &AppState) -> NetworkPolicy {
    NetworkPolicy::new(state.settings.connector_allow_hosts.iter().cloned())
}

/// Fetches `connection` into a snapshot at `snapshot` (in the temp directory)
/// and profiles it.
pub async fn fetch(
    state: &AppState,
    connection: &Connection,
    extent: Extent,
    snapshot: &Path,
) -> Result<Fetched, SourceError> {
    let temp_dir = state.settings.data_dir.join("uploads/temp");
    tokio::fs::create_dir_all(&temp_dir).await?;
    match connection {
        Connection::Api(config) => {
            let mut config = config.clone();
            if let Extent::Sample(rows) = extent {
                config.max_pages = 1;
                config.max_records = config.max_records.min(rows);
            }
            let records = tempfile::Builder::new()
                .prefix("api-")
                .suffix(".json")
                .tempfile_in(&temp_dir)?
                .into_temp_path();
            let summary = connectors::rest::fetch(&config, &http_client(state), &records).await?;
            let ingested =
                crate::sources::ingest(&state.sandbox, &records, "records.json", None, snapshot)
                    .await?;
            let truncated = (summary.truncated && extent == Extent::Full).then(|| {
                format!(
                    "Read {} records in {} pages and stopped at the limit; raise max_pages or max_records to read more.",
                    summary.records, summary.pages
                )
            });
            Ok(Fetched {
                ingested,
                truncated,
            })
        }
        Connection::GoogleSheets(config) => {
            let download = tempfile::Builder::new()
                .prefix("sheet-")
                .tempfile_in(&temp_dir)?
                .into_temp_path();
            let endpoints = GoogleEndpoints {
                docs_base: connectors::Url::parse(&state.settings.google_docs_url).map_err(
                    |_| ConnectorError::Invalid("INSIGHTIQ_GOOGLE_DOCS_URL is not a URL".into()),
                )?,
            };
            let format = connectors::sheets::download_shared(
                config,
                &endpoints,
                &http_client(state),
                &download,
            )
            .await?;
            let sheet = match format {
                connectors::sheets::ExportFormat::Xlsx => config.sheet.clone(),
                connectors::sheets::ExportFormat::Csv => None,
            };
            let ingested = crate::sources::ingest(
                &state.sandbox,
                &download,
                format.file_name(),
                sheet,
                snapshot,
            )
            .await?;
            Ok(Fetched {
                ingested,
                truncated: None,
            })
        }
        Connection::Database(config) => {
            let limits = DbLimits {
                statement_timeout: Duration::from_secs(state.settings.connector_timeout_secs),
                max_rows: match extent {
                    Extent::Full => state.settings.connector_max_rows,
                    Extent::Sample(rows) => rows,
                },
                ..Default::default()
            };
            let mut sink: Option<engine::TypedIngest> = None;
            let summary =
                connectors::database::fetch(config, &policy(state), &limits, &mut |batch| {
                    let writer = match &mut sink {
                        Some(writer) => writer,
                        None => sink.insert(
                            engine::TypedIngest::create(snapshot, &batch.schema()).map_err(io)?,
                        ),
                    };
                    writer.write(batch).map_err(io)
                })
                .await?;
            let sink = sink.ok_or(ConnectorError::Invalid(
                "the table or query returned no rows".into(),
            ))?;
            let (row_count, columns) = tokio::task::spawn_blocking(move || sink.finish())
                .await
                .map_err(std::io::Error::other)??;
            let mut profile = state.sandbox.profile(snapshot).await?;
            let schema = engine::source_schema(&columns, &mut profile);
            let truncated = (summary.truncated && extent == Extent::Full).then(|| {
                format!(
                    "Read the first {} rows and stopped at the limit (INSIGHTIQ_CONNECTOR_MAX_ROWS); filter the query to read the rest.",
                    summary.rows
                )
            });
            Ok(Fetched {
                ingested: Ingested {
                    row_count,
                    schema,
                    profile,
                },
                truncated,
            })
        }
    }
}

fn io(err: engine::Error) -> ConnectorError {
    ConnectorError::Io(std::io::Error::other(err.to_string()))
}
