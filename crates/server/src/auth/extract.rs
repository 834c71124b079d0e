//! Request extractors: `CurrentUser` from the Authorization / X-API-Key headers
//! (cached per request), and `Client` (address and user agent) for new sessions.

use super::service::{ClientInfo, Credential};
use super::CurrentUser;
use crate::error::ApiError;
use crate::limits::client_ip;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, USER_AGENT};
use axum::http::request::Parts;
use axum::http::HeaderMap;

/// Name of the httpOnly cookie that carries the refresh token for the web app.
pub const REFRESH_COOKIE: &str = "iq_refresh";

fn credential(headers: &HeaderMap) -> Result<Credential, ApiError> {
    let malformed = || {
        ApiError::unauthorized(
            "malformed_auth_header",
            "the Authorization header must be `Bearer <token>` (or send an API key in X-API-Key)",
        )
    };
    if let Some(value) = headers.get(AUTHORIZATION) {
        let value = value.to_str().map_err(|_| malformed())?.trim();
        let (scheme, token) = value.split_once(' ').ok_or_else(malformed)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
            return Err(malformed());
        }
        return Ok(Credential::Bearer(token.to_string()));
    }
    if let Some(value) = headers.get("x-api-key") {
        let key = value.to_str().map_err(|_| malformed())?.trim();
        if key.is_empty() {
            return Err(malformed());
        }
        return Ok(Credential::ApiKey(key.to_string()));
    }
    Err(ApiError::unauthorized(
        "missing_credentials",
        "sign in first: send `Authorization: Bearer <access token>` or an API key",
    ))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Rate limiting and the handler may both ask; authenticate once.
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let user = state.auth.authenticate(credential(&parts.headers)?).await?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// The caller's address (proxy-aware) and user agent.
pub struct Client(pub ClientInfo);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(Client(ClientInfo {
            ip: client_ip(parts, &state.settings.trusted_proxies),
            user_agent,
        }))
    }
}
