//! PostgreSQL and MySQL/MariaDB tables or read-only queries as typed Arrow
//! batches. Hand-written over `sqlx` (already the metadata store's driver)
//! rather than `datafusion-table-providers`: a snapshot needs one streamed,
//! bounded read inside a read-only transaction, not a live federated table,
//! and this keeps the driver, its TLS and its error codes in one place.
//!
//! The query runs wrapped as `SELECT <casts> FROM (<query>) AS insightiq_source
//! LIMIT <cap + 1>`: each column is cast in the database to one of six snapshot
//! types (so `numeric`, `money`, enums, `uuid` and `json` need no client-side
//! decoders), the transaction is read-only with a statement timeout, and a
//! statement that is not a single `SELECT` is refused before it is sent.

use crate::{ConnectorError, NetworkPolicy, Result, Secret};
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlRow, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow, PgSslMode};
use sqlx::{Column, Connection, Executor, Row, Statement, TypeInfo};
use std::sync::Arc;
use std::time::Duration;
use utoipa::ToSchema;

/// Which database to read.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DatabaseConfig {
    pub engine: DbEngine,
    pub host: String,
    /// Default 5432 (PostgreSQL) or 3306 (MySQL).
    #[serde(default)]
    pub port: Option<u16>,
    pub database: String,
    pub user: String,
    #[serde(default)]
    pub password: Option<Secret>,
    #[serde(default)]
    pub tls_mode: TlsMode,
    /// A table (`name` or `schema.name`) to read whole…
    #[serde(default)]
    pub table: Option<String>,
    /// …or one read-only `SELECT`.
    #[serde(default)]
    pub query: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DbEngine {
    Postgres,
    /// MySQL or MariaDB.
    #[serde(alias = "mariadb")]
    Mysql,
}

/// TLS to the database, as libpq names the modes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    Disable,
    /// TLS when the server offers it.
    #[default]
    Prefer,
    Require,
    /// TLS with the certificate checked against the host name.
    VerifyFull,
}

/// Bounds of one read.
#[derive(Debug, Clone, Copy)]
pub struct DbLimits {
    pub connect_timeout: Duration,
    pub statement_timeout: Duration,
    /// Most rows read; more are reported as `truncated`.
    pub max_rows: u64,
    pub batch_rows: usize,
}

impl Default for DbLimits {
    fn default() -> Self {
        DbLimits {
            connect_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(60),
            max_rows: 5_000_000,
            batch_rows: 8_192,
        }
    }
}

/// What a read produced (the batches went to the caller as they came).
#[derive(Debug, Clone)]
pub struct DbSummary {
    pub schema: SchemaRef,
    pub rows: u64,
    /// The table had more than `max_rows` rows.
    pub truncated: bool,
}

impl DatabaseConfig {
    /// The settings with the password masked, for showing.
    pub fn masked(&self) -> Value {
        let mut shown = self.clone();
        if shown.password.is_some() {
            shown.password = Some(Secret::new(crate::secret::MASK));
        }
        serde_json::to_value(shown).unwrap_or_default()
    }

    fn port(&self) -> u16 {
        self.port.unwrap_or(match self.engine {
            DbEngine::Postgres => 5432,
            DbEngine::Mysql => 3306,
        })
    }

    /// The statement whose rows become the table.
    fn inner_query(&self) -> Result<String> {
        let table = self
            .table
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let query = self
            .query
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty());
        match (table, query) {
            (Some(table), None) => {
                let quoted = table
                    .split('.')
                    .map(|part| quote_ident(self.engine, part.trim()))
                    .collect::<Result<Vec<_>>>()?
                    .join(".");
                Ok(format!("SELECT * FROM {quoted}"))
            }
            (None, Some(query)) => {
                check_select(self.engine, query)?;
                Ok(query.trim_end_matches(';').to_string())
            }
            _ => Err(ConnectorError::Invalid(
                "give either `table` or `query` (one SELECT), not both or neither".into(),
            )),
        }
    }
}

fn quote_ident(engine: DbEngine, name: &str) -> Result<String> {
    if name.is_empty() || name.contains('\0') {
        return Err(ConnectorError::Invalid(
            "`table` must be a table name, optionally schema.table".into(),
        ));
    }
    Ok(match engine {
        DbEngine::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
        DbEngine::Mysql => format!("`{}`", name.replace('`', "``")),
    })
}

/// Refuses anything but one query (`SELECT`, `WITH … SELECT`, `VALUES`). The
/// read-only transaction is the real guard; this gives the clear message first.
fn check_select(engine: DbEngine, sql: &str) -> Result<()> {
    use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect};
    use sqlparser::parser::Parser;
    let parsed = match engine {
        DbEngine::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
        DbEngine::Mysql => Parser::parse_sql(&MySqlDialect {}, sql),
    };
    // SQL this parser does not know is left to the database (read-only) to judge.
    let Ok(statements) = parsed else {
        return Ok(());
    };
    match statements.as_slice() {
        [sqlparser::ast::Statement::Query(_)] => Ok(()),
        [] => Err(ConnectorError::Invalid("`query` is empty".into())),
        [_] => Err(ConnectorError::ReadOnly(
            "only a SELECT can be read from a database; InsightIQ never changes your data".into(),
        )),
        _ => Err(ConnectorError::ReadOnly(
            "send one SELECT statement, not several".into(),
        )),
    }
}

/// What a column is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Float,
    Bool,
    Date,
    Timestamp,
    TimestampTz,
    Text,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Kind::Int => DataType::Int64,
            Kind::Float => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::Date => DataType::Date32,
            Kind::Timestamp | Kind::TimestampTz => DataType::Timestamp(TimeUnit::Microsecond, None),
            Kind::Text => DataType::Utf8,
        }
    }

    fn of_postgres(type_name: &str) -> Kind {
        match type_name {
            "INT2" | "INT4" | "INT8" | "OID" => Kind::Int,
            "FLOAT4" | "FLOAT8" | "NUMERIC" | "MONEY" => Kind::Float,
            "BOOL" => Kind::Bool,
            "DATE" => Kind::Date,
            "TIMESTAMP" => Kind::Timestamp,
            "TIMESTAMPTZ" => Kind::TimestampTz,
            _ => Kind::Text,
        }
    }

    fn of_mysql(type_name: &str) -> Kind {
        let t = type_name.to_ascii_uppercase();
        if t == "BOOLEAN" {
            Kind::Bool
        } else if t.contains("INT") || t == "YEAR" {
            Kind::Int
        } else if t.starts_with("FLOAT") || t.starts_with("DOUBLE") || t.starts_with("DECIMAL") {
            Kind::Float
        } else if t == "DATE" {
            Kind::Date
        } else if t == "DATETIME" {
            Kind::Timestamp
        } else if t == "TIMESTAMP" {
            // Stored in UTC, shown in the session's zone (set to UTC).
            Kind::TimestampTz
        } else {
            Kind::Text
        }
    }

    /// The select-list entry that reads column `ident` as this kind.
    fn select(self, engine: DbEngine, ident: &str, type_name: &str) -> String {
        let col = format!("insightiq_source.{ident}");
        match (engine, self) {
            (DbEngine::Postgres, Kind::Int) => format!("({col})::int8 AS {ident}"),
            (DbEngine::Postgres, Kind::Float) if type_name == "MONEY" => {
                format!("({col})::numeric::float8 AS {ident}")
            }
            (DbEngine::Postgres, Kind::Float) => format!("({col})::float8 AS {ident}"),
            (DbEngine::Postgres, Kind::Text) => format!("({col})::text AS {ident}"),
            (DbEngine::Mysql, Kind::Int) => format!("CAST({col} AS SIGNED) AS {ident}"),
            (DbEngine::Mysql, Kind::Float) => format!("CAST({col} AS DOUBLE) AS {ident}"),
            (DbEngine::Mysql, Kind::Text) => format!("CAST({col} AS CHAR) AS {ident}"),
            _ => format!("{col} AS {ident}"),
        }
    }
}

/// Reads the table or query, handing `on_batch` Arrow batches of at most
/// `limits.batch_rows` rows as they arrive.
pub async fn fetch(
    config: &DatabaseConfig,
    policy: &NetworkPolicy,
    limits: &DbLimits,
    on_batch: &mut (dyn FnMut(&RecordBatch) -> Result<()> + Send),
) -> Result<DbSummary> {
    let inner = config.inner_query()?;
    let host = config.host.trim();
    if host.is_empty() {
        return Err(ConnectorError::Invalid("`host` is required".into()));
    }
    let addrs = policy.resolve(host, config.port()).await?;
    // Connect to the address the policy approved (no second lookup to rebind),
    // except when TLS must check the certificate against the name.
    let target = if config.tls_mode == TlsMode::VerifyFull {
        host.to_string()
    } else {
        addrs[0].ip().to_string()
    };
    let timeout = limits.connect_timeout;
    let connect_failed = || {
        ConnectorError::Timeout(format!(
            "{host}:{} did not accept a connection within {} s",
            config.port(),
            timeout.as_secs()
        ))
    };
    match config.engine {
        DbEngine::Postgres => {
            let options = PgConnectOptions::new()
                .host(&target)
                .port(config.port())
                .database(&config.database)
                .username(&config.user)
                .ssl_mode(match config.tls_mode {
                    TlsMode::Disable => PgSslMode::Disable,
                    TlsMode::Prefer => PgSslMode::Prefer,
                    TlsMode::Require => PgSslMode::Require,
                    TlsMode::VerifyFull => PgSslMode::VerifyFull,
                })
                .application_name("insightiq");
            let options = match password(config) {
                Some(p) => options.password(p),
                None => options,
            };
            let mut conn = tokio::time::timeout(timeout, PgConnection::connect_with(&options))
                .await
                .map_err(|_| connect_failed())?
                .map_err(|e| db_error(config, e))?;
            let result = read_postgres(&mut conn, config, &inner, limits, on_batch).await;
            let _ = conn.close().await;
            result
        }
        DbEngine::Mysql => {
            let options = MySqlConnectOptions::new()
                .host(&target)
                .port(config.port())
                .database(&config.database)
                .username(&config.user)
                .ssl_mode(match config.tls_mode {
                    TlsMode::Disable => MySqlSslMode::Disabled,
                    TlsMode::Prefer => MySqlSslMode::Preferred,
                    TlsMode::Require => MySqlSslMode::Required,
                    TlsMode::VerifyFull => MySqlSslMode::VerifyIdentity,
                });
            let options = match password(config) {
                Some(p) => options.password(p),
                None => options,
            };
            let mut conn = tokio::time::timeout(timeout, MySqlConnection::connect_with(&options))
                .await
                .map_err(|_| connect_failed())?
                .map_err(|e| db_error(config, e))?;
            let result = read_mysql(&mut conn, config, &inner, limits, on_batch).await;
            let _ = conn.close().await;
            result
        }
    }
}

/// The password, when one was given (an empty one means none).
fn password(config: &DatabaseConfig) -> Option<&str> {
    config
        .password
        .as_ref()
        .map(Secret::expose)
        .filter(|p| !p.is_empty())
}

async fn read_postgres(
    conn: &mut PgConnection,
    config: &DatabaseConfig,
    inner: &str,
    limits: &DbLimits,
    on_batch: &mut (dyn FnMut(&RecordBatch) -> Result<()> + Send),
) -> Result<DbSummary> {
    let err = |e| db_error(config, e);
    let mut tx = conn.begin().await.map_err(err)?;
    tx.execute("SET TRANSACTION READ ONLY").await.map_err(err)?;
    tx.execute(
        format!(
            "SET LOCAL statement_timeout = {}",
            limits.statement_timeout.as_millis()
        )
        .as_str(),
    )
    .await
    .map_err(err)?;
    tx.execute("SET LOCAL TIME ZONE 'UTC'").await.map_err(err)?;
    let columns = describe(
        tx.prepare(inner).await.map_err(err)?.columns(),
        Kind::of_postgres,
    );
    let sql = wrapped(DbEngine::Postgres, inner, &columns, limits)?;
    let mut reader = BatchReader::new(&columns, limits);
    {
        let mut rows = sqlx::query(&sql).fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(err)? {
            if !reader.room() {
                reader.truncated = true;
                break;
            }
            reader.push_pg(&row)?;
            reader.flush_if_full(on_batch)?;
        }
    }
    let _ = tx.rollback().await;
    reader.finish(on_batch)
}

async fn read_mysql(
    conn: &mut MySqlConnection,
    config: &DatabaseConfig,
    inner: &str,
    limits: &DbLimits,
    on_batch: &mut (dyn FnMut(&RecordBatch) -> Result<()> + Send),
) -> Result<DbSummary> {
    let err = |e| db_error(config, e);
    conn.execute("SET SESSION TRANSACTION READ ONLY")
        .await
        .map_err(err)?;
    conn.execute("SET time_zone = '+00:00'")
        .await
        .map_err(err)?;
    let seconds = limits.statement_timeout.as_secs_f64();
    // MariaDB names the limit in seconds, MySQL in milliseconds.
    if conn
        .execute(format!("SET SESSION max_statement_time = {seconds}").as_str())
        .await
        .is_err()
    {
        conn.execute(
            format!(
                "SET SESSION max_execution_time = {}",
                limits.statement_timeout.as_millis()
            )
            .as_str(),
        )
        .await
        .map_err(err)?;
    }
    let mut tx = conn.begin().await.map_err(err)?;
    let columns = describe(
        tx.prepare(inner).await.map_err(err)?.columns(),
        Kind::of_mysql,
    );
    let sql = wrapped(DbEngine::Mysql, inner, &columns, limits)?;
    let mut reader = BatchReader::new(&columns, limits);
    {
        let mut rows = sqlx::query(&sql).fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(err)? {
            if !reader.room() {
                reader.truncated = true;
                break;
            }
            reader.push_mysql(&row)?;
            reader.flush_if_full(on_batch)?;
        }
    }
    let _ = tx.rollback().await;
    reader.finish(on_batch)
}

/// A column of the statement: its name, database type and how it is read.
struct SourceColumn {
    name: String,
    type_name: String,
    kind: Kind,
}

fn describe<C: Column>(columns: &[C], kind_of: fn(&str) -> Kind) -> Vec<SourceColumn> {
    columns
        .iter()
        .map(|c| {
            let type_name = c.type_info().name().to_string();
            SourceColumn {
                name: c.name().to_string(),
                kind: kind_of(&type_name),
                type_name,
            }
        })
        .collect()
}

fn wrapped(
    engine: DbEngine,
    inner: &str,
    columns: &[SourceColumn],
    limits: &DbLimits,
) -> Result<String> {
    if columns.is_empty() {
        return Err(ConnectorError::Invalid(
            "the query returns no columns".into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut list = Vec::with_capacity(columns.len());
    for c in columns {
        if !seen.insert(c.name.to_lowercase()) {
            return Err(ConnectorError::Invalid(format!(
                "the query returns two columns named `{}`; give one an alias (AS …)",
                c.name
            )));
        }
        list.push(
            c.kind
                .select(engine, &quote_ident(engine, &c.name)?, &c.type_name),
        );
    }
    Ok(format!(
        "SELECT {} FROM ({inner}) AS insightiq_source LIMIT {}",
        list.join(", "),
        limits.max_rows.saturating_add(1)
    ))
}

enum ColumnBuilder {
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Text(StringBuilder),
}

impl ColumnBuilder {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Int => ColumnBuilder::Int(Int64Builder::new()),
            Kind::Float => ColumnBuilder::Float(Float64Builder::new()),
            Kind::Bool => ColumnBuilder::Bool(BooleanBuilder::new()),
            Kind::Date => ColumnBuilder::Date(Date32Builder::new()),
            Kind::Timestamp | Kind::TimestampTz => {
                ColumnBuilder::Timestamp(TimestampMicrosecondBuilder::new())
            }
            Kind::Text => ColumnBuilder::Text(StringBuilder::new()),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Int(b) => Arc::new(b.finish()),
            ColumnBuilder::Float(b) => Arc::new(b.finish()),
            ColumnBuilder::Bool(b) => Arc::new(b.finish()),
            ColumnBuilder::Date(b) => Arc::new(b.finish()),
            ColumnBuilder::Timestamp(b) => Arc::new(b.finish()),
            ColumnBuilder::Text(b) => Arc::new(b.finish()),
        }
    }
}

fn days(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    i32::try_from((date - epoch).num_days()).unwrap_or(i32::MAX)
}

fn micros(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp_micros()
}

/// Rows -> Arrow batches.
struct BatchReader {
    schema: SchemaRef,
    kinds: Vec<Kind>,
    builders: Vec<ColumnBuilder>,
    pending: usize,
    rows: u64,
    max_rows: u64,
    batch_rows: usize,
    truncated: bool,
}

macro_rules! push_row {
    ($self:ident, $row:ident) => {{
        for (i, (builder, kind)) in $self.builders.iter_mut().zip(&$self.kinds).enumerate() {
            let decode = |e: sqlx::Error| {
                ConnectorError::Invalid(format!("column {} could not be read: {e}", i + 1))
            };
            match (builder, kind) {
                (ColumnBuilder::Int(b), _) => {
                    b.append_option($row.try_get::<Option<i64>, _>(i).map_err(decode)?)
                }
                (ColumnBuilder::Float(b), _) => {
                    b.append_option($row.try_get::<Option<f64>, _>(i).map_err(decode)?)
                }
                (ColumnBuilder::Bool(b), _) => {
                    b.append_option($row.try_get::<Option<bool>, _>(i).map_err(decode)?)
                }
                (ColumnBuilder::Date(b), _) => b.append_option(
                    $row.try_get::<Option<NaiveDate>, _>(i)
                        .map_err(decode)?
                        .map(days),
                ),
                (ColumnBuilder::Timestamp(b), Kind::TimestampTz) => b.append_option(
                    $row.try_get::<Option<DateTime<Utc>>, _>(i)
                        .map_err(decode)?
                        .map(|t| t.timestamp_micros()),
                ),
                (ColumnBuilder::Timestamp(b), _) => b.append_option(
                    $row.try_get::<Option<NaiveDateTime>, _>(i)
                        .map_err(decode)?
                        .map(micros),
                ),
                (ColumnBuilder::Text(b), _) => {
                    // Bytes, not `String`: MySQL labels some text casts as binary.
                    let bytes = $row
                        .try_get_unchecked::<Option<Vec<u8>>, _>(i)
                        .map_err(decode)?;
                    b.append_option(bytes.map(|v| String::from_utf8_lossy(&v).into_owned()))
                }
            }
        }
        $self.pending += 1;
        $self.rows += 1;
        Ok(())
    }};
}

impl BatchReader {
    fn new(columns: &[SourceColumn], limits: &DbLimits) -> Self {
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .map(|c| Field::new(&c.name, c.kind.data_type(), true))
                .collect::<Vec<_>>(),
        ));
        let kinds: Vec<Kind> = columns.iter().map(|c| c.kind).collect();
        BatchReader {
            schema,
            builders: kinds.iter().map(|k| ColumnBuilder::new(*k)).collect(),
            kinds,
            pending: 0,
            rows: 0,
            max_rows: limits.max_rows,
            batch_rows: limits.batch_rows.max(1),
            truncated: false,
        }
    }

    fn room(&self) -> bool {
        self.rows < self.max_rows
    }

    fn push_pg(&mut self, row: &PgRow) -> Result<()> {
        push_row!(self, row)
    }

    fn push_mysql(&mut self, row: &MySqlRow) -> Result<()> {
        push_row!(self, row)
    }

    fn flush_if_full(
        &mut self,
        on_batch: &mut (dyn FnMut(&RecordBatch) -> Result<()> + Send),
    ) -> Result<()> {
        if self.pending >= self.batch_rows {
            self.flush(on_batch)?;
        }
        Ok(())
    }

    fn flush(
        &mut self,
        on_batch: &mut (dyn FnMut(&RecordBatch) -> Result<()> + Send),
    ) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(ColumnBuilder::finish)
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e| ConnectorError::Io(std::io::Error::other(e)))?;
        self.pending = 0;
        on_batch(&batch)
    }

    fn finish(
        mut self,
        on_batch: &mut (dyn FnMut(&RecordBatch) -> Result<()> + Send),
    ) -> Result<DbSummary> {
        self.flush(on_batch)?;
        if self.rows == 0 {
            return Err(ConnectorError::Invalid(
                "the table or query returned no rows".into(),
            ));
        }
        Ok(DbSummary {
            schema: self.schema,
            rows: self.rows,
            truncated: self.truncated,
        })
    }
}

/// A driver error worded for the person who typed the settings. The database's
/// own message is theirs to see (it is their database); the password never is.
fn db_error(config: &DatabaseConfig, err: sqlx::Error) -> ConnectorError {
    let at = format!(
        "{}:{}/{}",
        config.host.trim(),
        config.port(),
        config.database
    );
    match err {
        sqlx::Error::Database(db) => {
            // MySQL's own error numbers say more than its SQLSTATEs (a timeout is HY000).
            let code = match db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                Some(mysql) => mysql.number().to_string(),
                None => db.code().map(|c| c.into_owned()).unwrap_or_default(),
            };
            let message = db.message().to_string();
            match code.as_str() {
                "28P01" | "28000" | "1045" | "1044" => ConnectorError::Auth(format!(
                    "{at} refused the user name or password: {message}"
                )),
                "57014" | "1969" | "3024" | "1317" => ConnectorError::Timeout(format!(
                    "the query ran longer than the statement timeout and was stopped ({message}); \
                     read a smaller table or add a WHERE clause"
                )),
                "25006" | "1792" => ConnectorError::ReadOnly(format!(
                    "the query tries to change data, and databases are only read: {message}"
                )),
                "3D000" | "1049" => ConnectorError::Invalid(format!(
                    "the database {} does not exist on {}: {message}",
                    config.database,
                    config.host.trim()
                )),
                _ => ConnectorError::Invalid(format!("the database answered: {message}")),
            }
        }
        sqlx::Error::Io(e) => ConnectorError::Unreachable(format!("cannot connect to {at}: {e}")),
        sqlx::Error::Tls(e) => ConnectorError::Unreachable(format!("TLS to {at} failed: {e}")),
        sqlx::Error::Protocol(e) => ConnectorError::Unreachable(format!("{at}: {e}")),
        other => ConnectorError::Unreachable(format!("{at}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_select_passes() {
        for ok in [
            "SELECT 1",
            "WITH t AS (SELECT 1) SELECT * FROM t",
            "select * from x;",
        ] {
            assert!(check_select(DbEngine::Postgres, ok).is_ok(), "{ok}");
        }
        for bad in [
            "DELETE FROM orders",
            "SELECT 1; DROP TABLE x",
            "UPDATE t SET a = 1",
        ] {
            assert!(
                matches!(
                    check_select(DbEngine::Mysql, bad),
                    Err(ConnectorError::ReadOnly(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn tables_are_quoted_per_engine() {
        let mut config = DatabaseConfig {
            engine: DbEngine::Postgres,
            host: "db".into(),
            port: None,
            database: "shop".into(),
            user: "u".into(),
            password: Some(Secret::new("pw")),
            tls_mode: TlsMode::Prefer,
            table: Some("sales.Orders\"x".into()),
            query: None,
        };
        assert_eq!(
            config.inner_query().unwrap(),
            "SELECT * FROM \"sales\".\"Orders\"\"x\""
        );
        config.engine = DbEngine::Mysql;
        config.table = Some("orders".into());
        assert_eq!(config.inner_query().unwrap(), "SELECT * FROM `orders`");
        config.query = Some("SELECT 1".into());
        assert!(config.inner_query().is_err(), "table and query both given");
        assert!(!config.masked().to_string().contains("pw"));
        assert!(!format!("{config:?}").contains("\"pw\""));
    }

    #[test]
    fn type_names_map_to_snapshot_types() {
        assert_eq!(Kind::of_postgres("NUMERIC"), Kind::Float);
        assert_eq!(Kind::of_postgres("TIMESTAMPTZ"), Kind::TimestampTz);
        assert_eq!(Kind::of_postgres("UUID"), Kind::Text);
        assert_eq!(Kind::of_postgres("mood"), Kind::Text, "an enum");
        assert_eq!(Kind::of_mysql("BIGINT UNSIGNED"), Kind::Int);
        assert_eq!(Kind::of_mysql("DECIMAL"), Kind::Float);
        assert_eq!(Kind::of_mysql("BOOLEAN"), Kind::Bool);
        assert_eq!(Kind::of_mysql("ENUM"), Kind::Text);
        assert_eq!(Kind::of_mysql("JSON"), Kind::Text);
    }
}
