//! Upgrading a database that holds rows written before a migration: each case
//! builds the schema as it was (the earlier migrations only), stores a data
//! source the way the server then wrote it, applies the remaining migrations
//! through the store's own `connect`, and reads the row back typed. SQLite
//! always; PostgreSQL when `INSIGHTIQ_TEST_DATABASE_URL` is set (CI sets it).

use serde_json::Value;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use std::borrow::Cow;
use std::str::FromStr;
use store::{MetadataStore, PgStore, PoolOptions, SqliteStore};
use uuid::Uuid;

/// The source as migration 0001's schema held it (see the fixture's comment).
fn fixture() -> Value {
    let text = include_str!("fixtures/data_source_v1.json");
    serde_json::from_str(text).unwrap()
}

/// Only the migrations before `version`.
fn before(mut migrator: Migrator, version: i64) -> Migrator {
    let kept: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version < version)
        .cloned()
        .collect();
    assert!(!kept.is_empty() && kept.len() < migrator.migrations.len());
    migrator.migrations = Cow::Owned(kept);
    migrator
}

const INSERT_USER: &str =
    "INSERT INTO users (id, email, password_hash, full_name, created_at, updated_at)
     VALUES ($1, 'old@example.com', 'hash', 'Old User', $2, $2)";
const INSERT_SOURCE: &str = "INSERT INTO data_sources (id, user_id, name, type, status, file_path,
        row_count, file_size, storage_bytes, columns_info, profile, created_at, updated_at)
     VALUES ($1, $2, 'sales', 'csv', 'connected', 'processed/x.parquet', $3, 100, 200, $4, $5, $6, $6)";

/// What every backend must read back after the upgrade.
async fn check_upgraded(store: &dyn MetadataStore, user: Uuid, id: Uuid) {
    let source = store
        .get_data_source(user.into(), id.into())
        .await
        .expect("the old row reads as the typed schema");
    let schema = &source.columns_info.0;
    assert_eq!(schema.row_count, 6);
    let names: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Order Date", "Region", "Revenue"],
        "column order kept"
    );
    let region = schema.column("region").unwrap();
    assert_eq!(region.synonyms, ["territory", "area"], "user notes kept");
    assert_eq!(region.description.as_deref(), Some("sales territory"));
    let values: Vec<(&str, u64)> = region
        .values
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(values, [("East", 4), ("West", 2)], "value index moved in");
    assert!(schema.column("revenue").unwrap().values.is_empty());
    assert_eq!(
        schema
            .column("Revenue")
            .unwrap()
            .number_format
            .as_ref()
            .unwrap()
            .currency
            .as_deref(),
        Some("$")
    );
    let profile = &source.profile.as_ref().expect("profile kept").0;
    assert_eq!(profile.columns.len(), 3);
    assert!(
        profile.columns.iter().all(|c| c.value_index.is_none()),
        "the profile no longer stores the index twice"
    );
    assert_eq!(profile.columns[1].top_values.len(), 2);
}

#[tokio::test]
async fn sqlite_rows_of_the_first_schema_upgrade_to_the_typed_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("meta.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let (user, id) = (Uuid::new_v4(), Uuid::new_v4());
    {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        before(sqlx::migrate!("./migrations/sqlite"), 2)
            .run(&mut conn)
            .await
            .unwrap();
        let old = fixture();
        let now = chrono::Utc::now();
        sqlx::query(INSERT_USER)
            .bind(user)
            .bind(now)
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(INSERT_SOURCE)
            .bind(id)
            .bind(user)
            .bind(6i64)
            .bind(old["columns_info"].to_string())
            .bind(old["profile"].to_string())
            .bind(now)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let store = SqliteStore::connect(path.to_str().unwrap()).await.unwrap();
    check_upgraded(&store, user, id).await;
}

#[tokio::test]
async fn postgres_rows_of_the_first_schema_upgrade_to_the_typed_schema() {
    let Ok(url) = std::env::var("INSIGHTIQ_TEST_DATABASE_URL") else {
        eprintln!("notice: INSIGHTIQ_TEST_DATABASE_URL is not set; skipping PostgreSQL");
        return;
    };
    let schema = format!("m_{}", Uuid::new_v4().simple());
    let options = PgConnectOptions::from_str(&url)
        .unwrap()
        .options([("search_path", schema.as_str())]);
    let (user, id) = (Uuid::new_v4(), Uuid::new_v4());
    {
        let mut conn = PgConnection::connect_with(&options).await.unwrap();
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut conn)
            .await
            .unwrap();
        before(sqlx::migrate!("./migrations/postgres"), 2)
            .run(&mut conn)
            .await
            .unwrap();
        let old = fixture();
        let now = chrono::Utc::now();
        sqlx::query(INSERT_USER)
            .bind(user)
            .bind(now)
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(INSERT_SOURCE)
            .bind(id)
            .bind(user)
            .bind(6i64)
            .bind(sqlx::types::Json(&old["columns_info"]))
            .bind(sqlx::types::Json(&old["profile"]))
            .bind(now)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let store = PgStore::connect_with(
        options,
        PoolOptions {
            min_connections: 0,
            max_connections: 2,
        },
    )
    .await
    .unwrap();
    check_upgraded(&store, user, id).await;
}
