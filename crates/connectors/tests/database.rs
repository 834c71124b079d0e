//! The database connector against the real PostgreSQL and MariaDB of the test
//! machine (`INSIGHTIQ_TEST_DATABASE_URL`, `INSIGHTIQ_TEST_MYSQL_URL`): every
//! mapped type, a query, a write refused, a timeout, wrong credentials.

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use connectors::database::{fetch, DatabaseConfig, DbEngine, DbLimits, TlsMode};
use connectors::{ConnectorError, NetworkPolicy, Secret};
use sqlx::Connection;
use std::time::Duration;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The server's connection settings, from a URL like `postgresql://user@host:port/db`.
fn config_from(url: &str, engine: DbEngine) -> DatabaseConfig {
    let rest = url.split_once("://").unwrap().1;
    let (auth, location) = rest.rsplit_once('@').unwrap_or(("root", rest));
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let (hostport, database) = location.split_once('/').unwrap();
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, ""));
    DatabaseConfig {
        engine,
        host: host.into(),
        port: port.parse().ok(),
        database: database.split('?').next().unwrap().into(),
        user: user.into(),
        password: (!password.is_empty()).then(|| Secret::new(password)),
        tls_mode: TlsMode::Disable,
        table: None,
        query: None,
    }
}

fn allow_local() -> NetworkPolicy {
    NetworkPolicy::new(["127.0.0.1".to_string(), "localhost".into()])
}

async fn read(
    config: &DatabaseConfig,
    limits: DbLimits,
) -> Result<(Vec<RecordBatch>, connectors::database::DbSummary), ConnectorError> {
    let mut batches = Vec::new();
    let summary = fetch(config, &allow_local(), &limits, &mut |b| {
        batches.push(b.clone());
        Ok(())
    })
    .await?;
    Ok((batches, summary))
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> &'a dyn Array {
    batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .as_ref()
}

#[tokio::test]
async fn postgres_types_queries_and_refusals() {
    let Some(url) = env("INSIGHTIQ_TEST_DATABASE_URL") else {
        eprintln!("INSIGHTIQ_TEST_DATABASE_URL is not set; skipping the PostgreSQL connector test");
        return;
    };
    let schema = format!("conn_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    for sql in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
        format!("CREATE TYPE {schema}.mood AS ENUM ('happy', 'sad')"),
        format!("CREATE SEQUENCE {schema}.counter"),
        format!(
            "CREATE TABLE {schema}.orders (id int4, big int8, small int2, price numeric(10,2), ratio float4,
             cost money, paid bool, day date, at timestamp, at_tz timestamptz, zip text, code varchar(8),
             doc jsonb, uid uuid, feeling {schema}.mood, tags int4[])"
        ),
        format!(
            "INSERT INTO {schema}.orders VALUES
             (1, 9000000000, 3, 12.50, 0.5, '$4.20', true, '2024-03-15', '2024-03-15 10:30:00', '2024-03-15 10:30:00+02',
              '01234', 'A1', '{{\"k\": 1}}', '6f1c2a8e-0000-4000-8000-000000000001', 'happy', '{{1,2}}'),
             (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
        ),
    ] {
        sqlx::query(&sql).execute(&mut admin).await.unwrap();
    }
    let mut config = config_from(&url, DbEngine::Postgres);
    config.table = Some(format!("{schema}.orders"));
    let (batches, summary) = read(&config, DbLimits::default()).await.unwrap();
    assert_eq!((summary.rows, summary.truncated), (2, false));
    let b = &batches[0];
    let types: Vec<(String, DataType)> = summary
        .schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    let ts = DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, None);
    for (name, expected) in [
        ("id", DataType::Int64),
        ("big", DataType::Int64),
        ("small", DataType::Int64),
        ("price", DataType::Float64),
        ("ratio", DataType::Float64),
        ("cost", DataType::Float64),
        ("paid", DataType::Boolean),
        ("day", DataType::Date32),
        ("at", ts.clone()),
        ("at_tz", ts),
        ("zip", DataType::Utf8),
        ("code", DataType::Utf8),
        ("doc", DataType::Utf8),
        ("uid", DataType::Utf8),
        ("feeling", DataType::Utf8),
        ("tags", DataType::Utf8),
    ] {
        assert!(
            types.contains(&(name.to_string(), expected.clone())),
            "{name}: {types:?}"
        );
    }
    assert_eq!(
        column(b, "big").as_primitive::<Int64Type>().value(0),
        9_000_000_000
    );
    assert_eq!(
        column(b, "price").as_primitive::<Float64Type>().value(0),
        12.5
    );
    assert_eq!(
        column(b, "cost").as_primitive::<Float64Type>().value(0),
        4.2
    );
    assert_eq!(
        column(b, "day").as_primitive::<Date32Type>().value(0),
        19797
    );
    let at = column(b, "at_tz")
        .as_primitive::<TimestampMicrosecondType>()
        .value(0);
    assert_eq!(at, 1_710_491_400_000_000, "10:30+02 is 08:30 UTC");
    assert_eq!(
        column(b, "zip").as_string::<i32>().value(0),
        "01234",
        "text stays text"
    );
    assert_eq!(
        column(b, "uid").as_string::<i32>().value(0),
        "6f1c2a8e-0000-4000-8000-000000000001"
    );
    assert_eq!(column(b, "feeling").as_string::<i32>().value(0), "happy");
    assert_eq!(column(b, "doc").as_string::<i32>().value(0), "{\"k\": 1}");
    assert!(column(b, "price").is_null(1) && column(b, "feeling").is_null(1));

    // A query, capped.
    config.table = None;
    config.query = Some(format!(
        "SELECT id, price * 2 AS doubled FROM {schema}.orders ORDER BY id"
    ));
    let (_, capped) = read(
        &config,
        DbLimits {
            max_rows: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((capped.rows, capped.truncated), (1, true));

    // Writes are refused: by the statement check, and by the read-only transaction.
    config.query = Some(format!("DELETE FROM {schema}.orders"));
    assert!(matches!(
        read(&config, DbLimits::default()).await,
        Err(ConnectorError::ReadOnly(_))
    ));
    config.query = Some(format!("SELECT nextval('{schema}.counter') AS n"));
    let err = read(&config, DbLimits::default()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::ReadOnly(_)), "{err}");
    config.query = Some(format!(
        "WITH gone AS (DELETE FROM {schema}.orders RETURNING id) SELECT * FROM gone"
    ));
    assert!(read(&config, DbLimits::default()).await.is_err());
    let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {schema}.orders"))
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert_eq!(left, 2, "nothing was deleted");

    // A slow query stops at the statement timeout.
    config.query = Some("SELECT pg_sleep(5), 1 AS one".into());
    let limits = DbLimits {
        statement_timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let err = read(&config, limits).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Timeout(_)), "{err}");

    // Unknown tables and wrong credentials are clear.
    config.query = None;
    config.table = Some("no_such_table".into());
    let err = read(&config, DbLimits::default()).await.unwrap_err();
    assert!(
        matches!(err, ConnectorError::Invalid(ref m) if m.contains("no_such_table")),
        "{err}"
    );
    config.database = "no_such_database_here".into();
    let err = read(&config, DbLimits::default()).await.unwrap_err();
    assert!(
        matches!(err, ConnectorError::Invalid(_) | ConnectorError::Auth(_)),
        "{err}"
    );

    // Without the operator's allowance, a loopback database is refused.
    let err = fetch(
        &config,
        &NetworkPolicy::default(),
        &DbLimits::default(),
        &mut |_| Ok(()),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ConnectorError::Blocked(_)), "{err}");

    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .unwrap();
}

#[tokio::test]
async fn postgres_wrong_password_is_an_auth_error() {
    let Some(url) = env("INSIGHTIQ_TEST_DATABASE_URL") else {
        return;
    };
    // Trust authentication accepts any password, so ask for a role that does not exist.
    let mut config = config_from(&url, DbEngine::Postgres);
    config.user = "insightiq_no_such_role".into();
    config.password = Some(Secret::new("wrong"));
    config.query = Some("SELECT 1 AS one".into());
    let err = read(&config, DbLimits::default()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth(_)), "{err}");
    assert!(
        !err.to_string().contains("wrong"),
        "the password is never in a message"
    );
}

#[tokio::test]
async fn mariadb_types_queries_and_refusals() {
    let Some(url) = env("INSIGHTIQ_TEST_MYSQL_URL") else {
        eprintln!("INSIGHTIQ_TEST_MYSQL_URL is not set; skipping the MySQL/MariaDB connector test");
        return;
    };
    let table = format!("conn_orders_{}", std::process::id());
    let mut admin = sqlx::MySqlConnection::connect(&url).await.unwrap();
    for sql in [
        format!("DROP TABLE IF EXISTS {table}"),
        format!(
            "CREATE TABLE {table} (id INT, big BIGINT UNSIGNED, price DECIMAL(10,2), ratio FLOAT, paid BOOLEAN,
             day DATE, at DATETIME, stamp TIMESTAMP NULL, zip VARCHAR(8), doc JSON, size ENUM('s','m','l'), yr YEAR)"
        ),
        format!(
            "INSERT INTO {table} VALUES (1, 9000000000, 12.50, 0.5, TRUE, '2024-03-15', '2024-03-15 10:30:00',
             '2024-03-15 10:30:00', '01234', '{{\"k\": 1}}', 'm', 2024),
             (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
        ),
    ] {
        sqlx::query(&sql).execute(&mut admin).await.unwrap();
    }
    let mut config = config_from(&url, DbEngine::Mysql);
    config.table = Some(table.clone());
    let (batches, summary) = read(&config, DbLimits::default()).await.unwrap();
    assert_eq!(summary.rows, 2);
    let b = &batches[0];
    let type_of = |name: &str| {
        summary
            .schema
            .field_with_name(name)
            .unwrap()
            .data_type()
            .clone()
    };
    assert_eq!(type_of("id"), DataType::Int64);
    assert_eq!(type_of("big"), DataType::Int64);
    assert_eq!(type_of("price"), DataType::Float64);
    assert_eq!(type_of("paid"), DataType::Boolean);
    assert_eq!(type_of("day"), DataType::Date32);
    assert!(matches!(type_of("at"), DataType::Timestamp(..)));
    assert!(matches!(type_of("stamp"), DataType::Timestamp(..)));
    assert_eq!(type_of("zip"), DataType::Utf8);
    assert_eq!(type_of("size"), DataType::Utf8);
    assert_eq!(type_of("yr"), DataType::Int64);
    assert_eq!(
        column(b, "price").as_primitive::<Float64Type>().value(0),
        12.5
    );
    assert_eq!(
        column(b, "big").as_primitive::<Int64Type>().value(0),
        9_000_000_000
    );
    assert_eq!(column(b, "zip").as_string::<i32>().value(0), "01234");
    assert_eq!(column(b, "size").as_string::<i32>().value(0), "m");
    assert_eq!(
        column(b, "day").as_primitive::<Date32Type>().value(0),
        19797
    );
    assert_eq!(
        column(b, "stamp")
            .as_primitive::<TimestampMicrosecondType>()
            .value(0),
        1_710_498_600_000_000,
        "TIMESTAMP read in UTC"
    );
    assert!(column(b, "price").is_null(1));

    config.table = None;
    config.query = Some(format!("DELETE FROM {table}"));
    assert!(matches!(
        read(&config, DbLimits::default()).await,
        Err(ConnectorError::ReadOnly(_))
    ));
    config.query = Some("SELECT SLEEP(5) AS slept".into());
    let limits = DbLimits {
        statement_timeout: Duration::from_millis(500),
        ..Default::default()
    };
    match read(&config, limits).await {
        // MariaDB stops the statement; SLEEP() may also return 1 when interrupted.
        Err(ConnectorError::Timeout(_)) => {}
        Ok((batches, _)) => {
            assert_eq!(batches[0].column(0).as_primitive::<Int64Type>().value(0), 1)
        }
        Err(other) => panic!("{other}"),
    }
    config.user = "insightiq_no_such_user".into();
    config.password = Some(Secret::new("wrong"));
    let err = read(&config, DbLimits::default()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth(_)), "{err}");
    sqlx::query(&format!("DROP TABLE {table}"))
        .execute(&mut admin)
        .await
        .unwrap();
}
