//! Fresh, isolated stores for the shared suite: a temporary SQLite file (plain,
//! and behind the read cache), or a new schema in the PostgreSQL database named
//! by `INSIGHTIQ_TEST_DATABASE_URL`.

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use std::str::FromStr;
use std::sync::Arc;
use store::{DynStore, PgStore, PoolOptions, SqliteStore};

pub struct TestStore {
    pub store: DynStore,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("meta.db");
    let store = SqliteStore::connect(path.to_str().unwrap()).await.unwrap();
    TestStore {
        store: Arc::new(store),
        _dir: Some(dir),
    }
}

/// SQLite behind the read cache, as `store::connect` opens the embedded store.
pub async fn cached_sqlite() -> TestStore {
    let plain = sqlite().await;
    TestStore {
        store: Arc::new(store::CachedStore::new(plain.store)),
        _dir: plain._dir,
    }
}

/// `None` (with a notice) when no PostgreSQL is configured for tests.
pub async fn postgres() -> Option<TestStore> {
    let Ok(url) = std::env::var("INSIGHTIQ_TEST_DATABASE_URL") else {
        eprintln!("notice: INSIGHTIQ_TEST_DATABASE_URL is not set; skipping the PostgreSQL half");
        return None;
    };
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&url)
        .await
        .expect("INSIGHTIQ_TEST_DATABASE_URL is unusable");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let options = PgConnectOptions::from_str(&url)
        .unwrap()
        .options([("search_path", schema.as_str())]);
    let store = PgStore::connect_with(
        options,
        PoolOptions {
            min_connections: 0,
            max_connections: 4,
        },
    )
    .await
    .unwrap();
    Some(TestStore {
        store: Arc::new(store),
        _dir: None,
    })
}

/// Stamps out `sqlite::name`, `cached_sqlite::name` and `postgres::name` tests for each case.
#[macro_export]
macro_rules! store_suite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let t = $crate::support::sqlite().await;
                    super::$case(t.store.clone()).await;
                }
            )*
        }
        mod cached_sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let t = $crate::support::cached_sqlite().await;
                    super::$case(t.store.clone()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    if let Some(t) = $crate::support::postgres().await {
                        super::$case(t.store.clone()).await;
                    }
                }
            )*
        }
    };
}
