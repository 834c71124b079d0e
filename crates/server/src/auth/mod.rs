//! Authentication and accounts: argon2id passwords, HS256 JWTs, API keys,
//! refresh-token sessions, and the `CurrentUser` extractor for protected handlers.

mod accounts;
mod api_keys;
mod avatar;
mod extract;
pub mod jwt;
mod password;
pub(crate) mod secrets;
mod service;
pub mod sessions;
pub mod tokens;

pub use avatar::{ImageKind, MAX_AVATAR_BYTES};
pub use extract::{Client, REFRESH_COOKIE};
pub use service::{AuthService, ClientInfo, Credential, IssuedTokens};

use domain::{ApiKeyId, UserId};
use uuid::Uuid;

/// The authenticated caller. Take it as a handler argument to require a valid
/// `Authorization: Bearer <access token | iq_ key>` or `X-API-Key` header.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: store::User,
    pub method: AuthMethod,
}

impl CurrentUser {
    pub fn id(&self) -> UserId {
        self.user.id
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// A JWT access token of the login (refresh-token family) `family`.
    AccessToken {
        family: Option<Uuid>,
    },
    ApiKey(ApiKeyId),
}
