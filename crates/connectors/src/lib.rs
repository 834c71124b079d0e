//! Connectors: where a data source that is not an upload comes from. Each one
//! fetches into what the engine ingests with the same type inference and
//! profiling as an upload:
//!
//! - [`rest`]: a JSON API, paginated, its records selected by JSONPath and
//!   flattened (`a.b` columns) into newline-delimited JSON;
//! - [`sheets`]: a Google Sheet shared by link, exported as XLSX (or CSV);
//! - [`database`]: a PostgreSQL or MySQL/MariaDB table or read-only `SELECT`,
//!   streamed as typed Arrow batches (declared types are kept, not inferred).
//!
//! Every outgoing connection goes through [`network::NetworkPolicy`]: private,
//! loopback and link-local addresses are refused unless the operator allows the
//! host. Secrets are [`Secret`]s: they serialize (the server stores them
//! encrypted) but never print.

pub mod database;
mod error;
pub mod flatten;
pub mod http;
pub mod network;
pub mod rest;
mod secret;
pub mod sheets;

pub use error::{ConnectorError, Result};
pub use network::NetworkPolicy;
pub use reqwest::Url;
pub use secret::Secret;
