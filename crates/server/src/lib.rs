//! The InsightIQ server: configuration, HTTP application, and the `insightiq`
//! command line built on top of the domain, store and engine crates.

pub mod app;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod connections;
pub mod demo;
pub mod error;
pub mod export;
pub mod limits;
pub mod mail;
pub mod narration;
pub mod nl;
pub mod querying;
pub mod ratelimit;
pub mod routes;
pub mod sources;
pub mod state;
pub mod sync;
pub mod tables;
pub mod telemetry;
pub mod vault;
pub mod web;

pub use app::{app, launch, openapi};
pub use config::Settings;
pub use state::AppState;
