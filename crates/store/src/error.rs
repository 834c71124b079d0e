//! Store errors: driver errors are normalized here so that no `sqlx::Error`
//! ever reaches a handler.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("a referenced row does not exist")]
    MissingReference,
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(String),
    #[error("migration failed: {0}")]
    Migration(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) => {
                if db.is_unique_violation() {
                    StoreError::Conflict {
                        constraint: db
                            .constraint()
                            .map(str::to_string)
                            .unwrap_or_else(|| unique_column(db.message())),
                    }
                } else if db.is_foreign_key_violation() {
                    StoreError::MissingReference
                } else {
                    StoreError::Database(db.message().to_string())
                }
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(err.to_string())
            }
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                StoreError::Corrupt(err.to_string())
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migration(err.to_string())
    }
}

/// SQLite reports unique violations as "UNIQUE constraint failed: users.email"
/// without a constraint name; keep the column so both backends say something useful.
fn unique_column(message: &str) -> String {
    message
        .rsplit_once(": ")
        .map(|(_, cols)| cols.to_string())
        .unwrap_or_else(|| "unique".to_string())
}
