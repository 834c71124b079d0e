//! `/api/v1/users`: the signed-in user's profile, password and avatar, and the
//! public avatar image URL used by `<img>` tags.

use crate::auth::{CurrentUser, MAX_AVATAR_BYTES};
use crate::error::{ApiError, ApiResult, Json, Path};
use crate::state::AppState;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use domain::{Email, FullName, Password, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    // Room for the image plus the multipart framing, on this route only; the
    // image cap itself is enforced while reading.
    let avatar_upload = OpenApiRouter::new()
        .routes(routes!(upload_avatar))
        .layer(DefaultBodyLimit::max(MAX_AVATAR_BYTES + 64 * 1024));
    OpenApiRouter::new()
        .routes(routes!(get_me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(get_avatar))
        .merge(avatar_upload)
}

/// A user as the API shows it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    #[schema(value_type = String, format = Uuid)]
    pub id: UserId,
    pub email: String,
    pub full_name: String,
    pub is_active: bool,
    pub is_verified: bool,
    pub created_at: DateTime<Utc>,
    pub last_login: Option<DateTime<Utc>>,
    /// Where the profile picture is served, or null.
    pub avatar_url: Option<String>,
}

impl From<&store::User> for UserBody {
    fn from(user: &store::User) -> Self {
        Self {
            id: user.id,
            email: user.email.clone(),
            full_name: user.full_name.clone(),
            is_active: user.is_active,
            is_verified: user.is_verified,
            created_at: user.created_at,
            last_login: user.last_login,
            // The version parameter makes browsers fetch a replaced picture.
            avatar_url: user.avatar_path.as_ref().map(|_| {
                format!(
                    "/api/v1/users/{}/avatar?v={}",
                    user.id,
                    user.updated_at.timestamp()
                )
            }),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProfile {
    pub full_name: Option<String>,
    /// A new address must be verified again (a link is emailed to it).
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// The signed-in user's profile.
#[utoipa::path(get, path = "/api/v1/users/me", tag = "users",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = UserBody), (status = 401, description = "not signed in")))]
pub async fn get_me(user: CurrentUser) -> Json<UserBody> {
    Json(UserBody::from(&user.user))
}

/// Changes the name and/or email; a changed email is unverified until its link is opened.
#[utoipa::path(put, path = "/api/v1/users/me", tag = "users", request_body = UpdateProfile,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = UserBody), (status = 409, description = "email taken"),
        (status = 422, description = "invalid email or name")))]
pub async fn update_me(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<UpdateProfile>,
) -> ApiResult<Json<UserBody>> {
    let full_name = body.full_name.as_deref().map(FullName::parse).transpose()?;
    let email = body.email.as_deref().map(Email::parse).transpose()?;
    let updated = state.auth.update_profile(&user, full_name, email).await?;
    Ok(Json(UserBody::from(&updated)))
}

/// Changes the password (the current one is required) and signs out every other session.
#[utoipa::path(put, path = "/api/v1/users/me/password", tag = "users", request_body = ChangePassword,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 204, description = "changed"), (status = 400, description = "wrong current password"),
        (status = 422, description = "the new password breaks the policy")))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<ChangePassword>,
) -> ApiResult<StatusCode> {
    let new_password = Password::parse(&body.new_password)?;
    state
        .auth
        .change_password(&user, &body.current_password, new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Multipart form with one `file` field.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AvatarUpload {
    /// A PNG, JPEG or WebP image of at most 2 MB (checked by content, not by name).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Sets the profile picture.
#[utoipa::path(post, path = "/api/v1/users/me/avatar", tag = "users",
    request_body(content = AvatarUpload, content_type = "multipart/form-data"),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = UserBody), (status = 413, description = "larger than 2 MB"),
        (status = 415, description = "not a PNG, JPEG or WebP image")))]
pub async fn upload_avatar(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Json<UserBody>> {
    let mut multipart = multipart.map_err(|rejection| {
        ApiError::bad_request(
            "expected_multipart",
            format!(
                "send the image as multipart/form-data: {}",
                rejection.body_text()
            ),
        )
    })?;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            let bytes = read_capped(field, MAX_AVATAR_BYTES).await?;
            let updated = state.auth.set_avatar(user.id(), &bytes).await?;
            return Ok(Json(UserBody::from(&updated)));
        }
    }
    Err(ApiError::bad_request(
        "missing_file",
        "the form has no `file` field",
    ))
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge {
        code: "avatar_too_large",
        message: format!(
            "avatars can be at most {} MB",
            MAX_AVATAR_BYTES / (1024 * 1024)
        ),
    }
}

fn multipart_error(err: axum::extract::multipart::MultipartError) -> ApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    ApiError::bad_request(
        "invalid_multipart",
        format!("the upload could not be read: {}", err.body_text()),
    )
}

/// Reads a field, stopping as soon as it grows past `cap`.
async fn read_capped(mut field: Field<'_>, cap: usize) -> ApiResult<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > cap {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A user's profile picture. Public, so that `<img>` tags can show it.
#[utoipa::path(get, path = "/api/v1/users/{id}/avatar", tag = "users",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, description = "the image", content_type = "image/png"),
        (status = 404, description = "no avatar")))]
pub async fn get_avatar(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
) -> ApiResult<impl IntoResponse> {
    let (bytes, kind) = state.auth.avatar(id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, kind.mime()),
            (header::CACHE_CONTROL, "public, max-age=86400"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    ))
}
