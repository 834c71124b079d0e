//! `/api/v1/auth`: register, sign in and out, rotate tokens, verify the email
//! address and reset a forgotten password.

use super::users::UserBody;
use crate::auth::jwt::{ACCESS_TTL_SECS, REFRESH_TTL_SECS};
use crate::auth::{Client, CurrentUser, IssuedTokens, REFRESH_COOKIE};
use crate::error::{ApiError, ApiResult, Json};
use crate::limits::{Auth, RateLimit};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use domain::{Email, FullName, Password, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(verify_email))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    pub email: String,
    /// 8+ characters with an uppercase letter, a lowercase letter, a digit and a special character.
    pub password: String,
    pub full_name: String,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct RefreshRequest {
    /// Optional: the `iq_refresh` cookie is used when absent.
    pub refresh_token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenUser {
    #[schema(value_type = String, format = Uuid)]
    pub id: UserId,
    pub email: String,
    pub full_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Lifetime of the access token in seconds (3600).
    pub expires_in: i64,
    pub user: TokenUser,
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    pub token: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ForgotPasswordRequest {
    pub email: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    pub token: String,
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct MessageBody {
    pub message: &'static str,
}

fn cookie_attributes(secure: bool) -> &'static str {
    if secure {
        "HttpOnly; Path=/api/v1/auth; SameSite=Strict; Secure"
    } else {
        "HttpOnly; Path=/api/v1/auth; SameSite=Strict"
    }
}

/// Tokens as JSON, plus the refresh token as an httpOnly cookie for the web app.
fn issued(state: &AppState, tokens: IssuedTokens) -> impl IntoResponse {
    let cookie = format!(
        "{REFRESH_COOKIE}={}; Max-Age={REFRESH_TTL_SECS}; {}",
        tokens.refresh_token,
        cookie_attributes(state.settings.production)
    );
    let body = TokenResponse {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        token_type: "bearer",
        expires_in: ACCESS_TTL_SECS,
        user: TokenUser {
            id: tokens.user.id,
            email: tokens.user.email,
            full_name: tokens.user.full_name,
        },
    };
    ([(header::SET_COOKIE, cookie)], Json(body))
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

/// The refresh token from an optional JSON body, else from the cookie.
fn presented_refresh_token(headers: &HeaderMap, body: &Bytes) -> ApiResult<Option<String>> {
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        RefreshRequest::default()
    } else {
        serde_json::from_slice::<RefreshRequest>(body).map_err(|err| {
            if err.is_data() {
                ApiError::unprocessable(
                    "invalid_body",
                    format!("the JSON body does not have the expected fields: {err}"),
                )
            } else {
                ApiError::bad_request(
                    "malformed_json",
                    format!("the request body is not valid JSON: {err}"),
                )
            }
        })?
    };
    Ok(from_body
        .refresh_token
        .filter(|t| !t.is_empty())
        .or_else(|| cookie_value(headers, REFRESH_COOKIE)))
}

/// Creates an account and emails a verification link.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = UserBody), (status = 409, description = "email taken"),
        (status = 422, description = "invalid email, name or weak password (each failing rule named)"),
        (status = 429, description = "too many attempts")))]
pub async fn register(
    State(state): State<AppState>,
    _: RateLimit<Auth>,
    Json(body): Json<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<UserBody>)> {
    let email = Email::parse(&body.email)?;
    let password = Password::parse(&body.password)?;
    let full_name = FullName::parse(&body.full_name)?;
    let user = state.auth.register(email, password, full_name).await?;
    Ok((StatusCode::CREATED, Json(UserBody::from(&user))))
}

/// Signs in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse, description = "also sets the `iq_refresh` httpOnly cookie"),
        (status = 401, description = "`invalid_credentials` (same for unknown email and wrong password)"),
        (status = 403, description = "account disabled"), (status = 429, description = "too many attempts")))]
pub async fn login(
    State(state): State<AppState>,
    _: RateLimit<Auth>,
    Client(client): Client,
    Json(body): Json<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let tokens = state
        .auth
        .login(&body.email, &body.password, client)
        .await?;
    Ok(issued(&state, tokens))
}

/// Exchanges a refresh token (body or cookie) for a new pair; each refresh token
/// works once, and reusing one ends that whole sign-in.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body(content = RefreshRequest, description = "optional"),
    responses((status = 200, body = TokenResponse),
        (status = 401, description = "missing, invalid, expired, revoked or reused refresh token")))]
pub async fn refresh(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let Some(token) = presented_refresh_token(&headers, &body)? else {
        return Err(ApiError::unauthorized(
            "missing_refresh_token",
            "send the refresh token in the body or the iq_refresh cookie",
        ));
    };
    let tokens = state.auth.refresh(&token, client).await?;
    Ok(issued(&state, tokens))
}

/// Signs out: ends the session of the refresh token (body or cookie) and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body(content = RefreshRequest, description = "optional"),
    responses((status = 204, description = "signed out")))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let token = presented_refresh_token(&headers, &body)?;
    state.auth.logout(token.as_deref()).await?;
    let cookie = format!(
        "{REFRESH_COOKIE}=; Max-Age=0; {}",
        cookie_attributes(state.settings.production)
    );
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = UserBody), (status = 401, description = "not signed in")))]
pub async fn me(user: CurrentUser) -> Json<UserBody> {
    Json(UserBody::from(&user.user))
}

/// Confirms an email address with the token from the emailed link.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = UserBody), (status = 400, description = "invalid, expired or used token")))]
pub async fn verify_email(
    State(state): State<AppState>,
    _: RateLimit<Auth>,
    Json(body): Json<TokenRequest>,
) -> ApiResult<Json<UserBody>> {
    let user = state.auth.verify_email(body.token.trim()).await?;
    Ok(Json(UserBody::from(&user)))
}

/// Emails a password-reset link if the account exists; the answer is the same either way.
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "auth", request_body = ForgotPasswordRequest,
    responses((status = 202, body = MessageBody)))]
pub async fn forgot_password(
    State(state): State<AppState>,
    _: RateLimit<Auth>,
    Json(body): Json<ForgotPasswordRequest>,
) -> (StatusCode, Json<MessageBody>) {
    state.auth.forgot_password(body.email);
    (
        StatusCode::ACCEPTED,
        Json(MessageBody {
            message: "if an account exists for this email, a reset link is on its way",
        }),
    )
}

/// Sets a new password with the token from the emailed link; signs out every session.
#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "auth", request_body = ResetPasswordRequest,
    responses((status = 200, body = MessageBody), (status = 400, description = "invalid, expired or used token"),
        (status = 422, description = "the new password breaks the policy")))]
pub async fn reset_password(
    State(state): State<AppState>,
    _: RateLimit<Auth>,
    Json(body): Json<ResetPasswordRequest>,
) -> ApiResult<Json<MessageBody>> {
    // Checked before the token is spent, so a weak choice can be corrected.
    let new_password = Password::parse(&body.new_password)?;
    state
        .auth
        .reset_password(body.token.trim(), new_password)
        .await?;
    Ok(Json(MessageBody {
        message: "password changed; sign in with the new password",
    }))
}
