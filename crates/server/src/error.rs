//! The HTTP error contract: every failure becomes
//! `{"error": {"code", "message", "details"}}` with the right status, in one place.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{json, Value};
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        details: Value,
    },
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    PayloadTooLarge { code: &'static str, message: String },
    #[error("{message}")]
    UnsupportedMediaType { code: &'static str, message: String },
    #[error("{message}")]
    Unprocessable {
        code: &'static str,
        message: String,
        details: Value,
    },
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    /// A daily allowance is used up (429 with `Retry-After` until it renews).
    #[error("{message}")]
    QuotaExceeded {
        code: &'static str,
        message: String,
        retry_after_secs: u64,
        details: Value,
    },
    #[error("{message}")]
    Unavailable { code: &'static str, message: String },
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
            details: Value::Null,
        }
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::Unprocessable {
            code,
            message: message.into(),
            details: Value::Null,
        }
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::Unauthorized {
            code,
            message: message.into(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    fn parts(&self) -> (StatusCode, &'static str, String, Value) {
        match self {
            ApiError::BadRequest {
                code,
                message,
                details,
            } => (
                StatusCode::BAD_REQUEST,
                code,
                message.clone(),
                details.clone(),
            ),
            ApiError::Unauthorized { code, message } => {
                (StatusCode::UNAUTHORIZED, code, message.clone(), Value::Null)
            }
            ApiError::Forbidden { code, message } => {
                (StatusCode::FORBIDDEN, code, message.clone(), Value::Null)
            }
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} not found; check the id or list what exists"),
                Value::Null,
            ),
            ApiError::Conflict { code, message } => {
                (StatusCode::CONFLICT, code, message.clone(), Value::Null)
            }
            ApiError::PayloadTooLarge { code, message } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                code,
                message.clone(),
                Value::Null,
            ),
            ApiError::UnsupportedMediaType { code, message } => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code,
                message.clone(),
                Value::Null,
            ),
            ApiError::Unprocessable {
                code,
                message,
                details,
            } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                message.clone(),
                details.clone(),
            ),
            ApiError::RateLimited { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests; try again in {retry_after_secs} s"),
                json!({ "retry_after_secs": retry_after_secs }),
            ),
            ApiError::QuotaExceeded {
                code,
                message,
                details,
                ..
            } => (
                StatusCode::TOO_MANY_REQUESTS,
                code,
                message.clone(),
                details.clone(),
            ),
            ApiError::Unavailable { code, message } => (
                StatusCode::SERVICE_UNAVAILABLE,
                code,
                message.clone(),
                Value::Null,
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "something went wrong on our side; it has been logged".to_string(),
                Value::Null,
            ),
        }
    }
}

/// The one place an error becomes a response. 500s log their cause and show none of it.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let (status, code, message, details) = self.parts();
        let mut response = error_response(status, code, &message, details);
        if let ApiError::RateLimited { retry_after_secs }
        | ApiError::QuotaExceeded {
            retry_after_secs, ..
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a stable machine-readable `code`, a message that says what to do,
/// and for some codes structured `details` (failed password rules, a retry delay).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<Value>,
}

pub fn error_response(status: StatusCode, code: &str, message: &str, details: Value) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_string(),
            message: message.to_string(),
            details: (!details.is_null()).then_some(details),
        },
    };
    (status, axum::Json(body)).into_response()
}

/// Maps a store `NotFound` to a 404 naming what was missing.
pub fn not_found(what: &'static str) -> impl Fn(StoreError) -> ApiError {
    move |err| match err {
        StoreError::NotFound => ApiError::NotFound(what),
        other => other.into(),
    }
}

impl From<crate::querying::QueryError> for ApiError {
    fn from(err: crate::querying::QueryError) -> Self {
        use crate::querying::QueryError;
        match err {
            QueryError::SourceNotFound => ApiError::NotFound("data source"),
            QueryError::NotQueryable => ApiError::Unprocessable {
                code: "source_not_queryable",
                message: err.to_string(),
                details: Value::Null,
            },
            QueryError::Engine(err) => err.into(),
            QueryError::Store(err) => err.into(),
            QueryError::Encode(err) => ApiError::internal(err),
        }
    }
}

impl From<crate::nl::AskError> for ApiError {
    fn from(err: crate::nl::AskError) -> Self {
        use crate::nl::AskError;
        match err {
            AskError::InvalidQuestion { .. } => {
                ApiError::unprocessable("invalid_question", err.to_string())
            }
            AskError::SourceNotFound => ApiError::NotFound("data source"),
            AskError::LlmNotConfigured => {
                ApiError::unprocessable("llm_not_configured", err.to_string())
            }
            AskError::LlmBudgetExceeded {
                used,
                budget,
                retry_after_secs,
                ..
            } => ApiError::QuotaExceeded {
                code: "llm_budget_exceeded",
                message: err.to_string(),
                retry_after_secs,
                details: json!({ "used_tokens": used, "daily_tokens": budget, "retry_after_secs": retry_after_secs }),
            },
            AskError::Query(err) => err.into(),
            AskError::Store(err) => err.into(),
            AskError::Encode(err) => ApiError::internal(err),
        }
    }
}

impl From<crate::sources::SourceError> for ApiError {
    fn from(err: crate::sources::SourceError) -> Self {
        use crate::sources::SourceError;
        match err {
            SourceError::Name(err) => err.into(),
            SourceError::QuotaExceeded { .. } => ApiError::PayloadTooLarge {
                code: "storage_quota_exceeded",
                message: err.to_string(),
            },
            SourceError::Ingest(err) => err.into(),
            SourceError::Store(err) => err.into(),
            SourceError::Io(err) => ApiError::internal(err),
            SourceError::Connector(err) => err.into(),
            SourceError::NotConnected => ApiError::Conflict {
                code: "not_a_connected_source",
                message: err.to_string(),
            },
            SourceError::NotAnUpload => ApiError::Conflict {
                code: "not_an_upload",
                message: err.to_string(),
            },
            SourceError::SecretUnreadable(err) => ApiError::internal(err),
        }
    }
}

impl From<connectors::ConnectorError> for ApiError {
    fn from(err: connectors::ConnectorError) -> Self {
        if !err.is_user_error() {
            return ApiError::internal(err);
        }
        ApiError::unprocessable(err.code(), err.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound("resource"),
            StoreError::Conflict { constraint } => ApiError::Conflict {
                code: "conflict",
                message: format!("that value is already taken ({constraint})"),
            },
            StoreError::MissingReference => ApiError::NotFound("referenced resource"),
            StoreError::Unavailable(cause) => {
                tracing::error!(%cause, "metadata store unavailable");
                ApiError::Unavailable {
                    code: "store_unavailable",
                    message: "the metadata store is not answering; try again shortly".into(),
                }
            }
            StoreError::Corrupt(cause)
            | StoreError::Database(cause)
            | StoreError::Migration(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<domain::ValidationError> for ApiError {
    fn from(err: domain::ValidationError) -> Self {
        let details = match &err {
            domain::ValidationError::Password(rules) => json!({ "failed_rules": rules }),
            _ => Value::Null,
        };
        let code = match err {
            domain::ValidationError::Email(_) => "invalid_email",
            domain::ValidationError::Password(_) => "weak_password",
            domain::ValidationError::Length { .. } => "invalid_length",
        };
        ApiError::Unprocessable {
            code,
            message: err.to_string(),
            details,
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => ApiError::Unprocessable {
                code: "invalid_body",
                message: format!(
                    "the JSON body does not have the expected fields: {}",
                    e.body_text()
                ),
                details: Value::Null,
            },
            JsonRejection::JsonSyntaxError(e) => ApiError::BadRequest {
                code: "malformed_json",
                message: format!("the request body is not valid JSON: {}", e.body_text()),
                details: Value::Null,
            },
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType {
                code: "expected_json",
                message: "send the body as JSON with `Content-Type: application/json`".into(),
            },
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge {
                    code: "body_too_large",
                    message: "the request body is too large".into(),
                }
            }
            other => ApiError::bad_request("invalid_body", other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::bad_request(
            "invalid_query_string",
            format!("the query string is invalid: {}", rejection.body_text()),
        )
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        // An id that is not even a UUID names nothing that exists.
        tracing::debug!(%rejection, "bad path parameter");
        ApiError::NotFound("resource")
    }
}

/// `axum::Json` whose rejections speak the error contract.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` whose rejections speak the error contract.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// `axum::extract::Path` whose rejections speak the error contract.
#[derive(Debug, Clone, Copy, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

impl From<engine::Error> for ApiError {
    fn from(err: engine::Error) -> Self {
        if !err.is_user_error() {
            return ApiError::Internal(err.to_string());
        }
        let code = err.code();
        let message = err.to_string();
        match err {
            engine::Error::FileTooLarge { .. } | engine::Error::XlsxTooLarge { .. } => {
                ApiError::PayloadTooLarge { code, message }
            }
            engine::Error::UnsupportedFormat { .. } | engine::Error::BinaryFile { .. } => {
                ApiError::UnsupportedMediaType { code, message }
            }
            engine::Error::SqlSyntax { .. }
            | engine::Error::EmptySql
            | engine::Error::MultipleStatements
            | engine::Error::SqlNotAllowed { .. } => ApiError::BadRequest {
                code,
                message,
                details: Value::Null,
            },
            // Unfixable files, unknown names, type errors, limits hit: the request was
            // understood but cannot be carried out as sent.
            _ => ApiError::Unprocessable {
                code,
                message,
                details: Value::Null,
            },
        }
    }
}
