//! What can go wrong reaching a source, worded for the person who set it up.

/// Why a connector could not fetch. Everything but `Io` is the user's to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    /// The settings cannot work (a malformed URL, an unknown tab, a bad selector).
    #[error("{0}")]
    Invalid(String),
    /// The address is private, loopback or link-local and not allowed.
    #[error("{0}")]
    Blocked(String),
    /// The source refused the credentials.
    #[error("{0}")]
    Auth(String),
    /// The source could not be reached or answered with an error.
    #[error("{0}")]
    Unreachable(String),
    /// The source took longer than allowed.
    #[error("{0}")]
    Timeout(String),
    /// The query would change data (databases are only read).
    #[error("{0}")]
    ReadOnly(String),
    /// More data than the limits allow.
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ConnectorError {
    /// A stable snake_case code for the API's error contract.
    pub fn code(&self) -> &'static str {
        match self {
            ConnectorError::Invalid(_) => "invalid_connection",
            ConnectorError::Blocked(_) => "address_not_allowed",
            ConnectorError::Auth(_) => "connection_unauthorized",
            ConnectorError::Unreachable(_) => "connection_failed",
            ConnectorError::Timeout(_) => "connection_timeout",
            ConnectorError::ReadOnly(_) => "read_only_violation",
            ConnectorError::TooLarge(_) => "source_too_large",
            ConnectorError::Io(_) => "internal_error",
        }
    }

    /// Whether the person who configured the source can fix it (a 4xx).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, ConnectorError::Io(_))
    }
}

pub type Result<T, E = ConnectorError> = std::result::Result<T, E>;
