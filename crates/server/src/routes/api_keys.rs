//! `/api/v1/api-keys`: list, create (the full key is shown once) and revoke the
//! caller's API keys. Another user's key is answered 404.

use crate::auth::CurrentUser;
use crate::error::{ApiResult, Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::ApiKeyId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
}

/// An API key as listed: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyBody {
    #[schema(value_type = String, format = Uuid)]
    pub id: ApiKeyId,
    pub key_name: String,
    /// The first 8 characters of the key, to recognize it.
    pub key_prefix: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<&store::ApiKey> for ApiKeyBody {
    fn from(key: &store::ApiKey) -> Self {
        Self {
            id: key.id,
            key_name: key.key_name.clone(),
            key_prefix: key.key_prefix.clone(),
            is_active: key.is_active,
            created_at: key.created_at,
            last_used_at: key.last_used_at,
        }
    }
}

/// A new key, with its secret: this is the only response that ever contains it.
#[derive(Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub info: ApiKeyBody,
    /// The full key (`iq_…`). Store it now: it cannot be shown again.
    pub key: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CreateApiKey {
    pub key_name: String,
}

/// The caller's API keys, newest first, revoked ones included.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api-keys",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = [ApiKeyBody])))]
pub async fn list_keys(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<ApiKeyBody>>> {
    let keys = state.auth.list_api_keys(user.id()).await?;
    Ok(Json(keys.iter().map(ApiKeyBody::from).collect()))
}

/// Creates an API key for scripts: send it as `Authorization: Bearer iq_…` or `X-API-Key`.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api-keys", request_body = CreateApiKey,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = CreatedApiKey), (status = 422, description = "invalid name")))]
pub async fn create_key(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreateApiKey>,
) -> ApiResult<(StatusCode, Json<CreatedApiKey>)> {
    let (key, secret) = state.auth.create_api_key(user.id(), &body.key_name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            info: ApiKeyBody::from(&key),
            key: secret,
        }),
    ))
}

/// Revokes one of the caller's keys; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api-keys",
    params(("id" = String, Path, description = "API key id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 204, description = "revoked"), (status = 404, description = "no such key of yours")))]
pub async fn revoke_key(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ApiKeyId>,
) -> ApiResult<StatusCode> {
    state.auth.revoke_api_key(user.id(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
