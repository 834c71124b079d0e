//! The production metadata store on PostgreSQL.

use crate::generic::impl_metadata_store;
use crate::{PoolOptions, Result};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects with a pool sized by `options` and applies pending migrations.
    pub async fn connect(url: &str, options: PoolOptions) -> Result<Self> {
        Self::connect_with(PgConnectOptions::from_str(url)?, options).await
    }

    pub async fn connect_with(connect: PgConnectOptions, options: PoolOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .min_connections(options.min_connections)
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect)
            .await?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }
}

impl_metadata_store!(
    PgStore,
    backend = "postgres",
    day_of = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
);
