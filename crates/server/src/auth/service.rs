//! `AuthService`: signing in, rotating refresh tokens with theft detection,
//! signing out, and turning a presented credential into a `CurrentUser`.

use super::jwt::{JwtKeys, TokenError, TokenType};
use super::password::Passwords;
use super::sessions::{RedisSessions, SessionStore, StoreSessions};
use super::tokens::{sha256_hex, API_KEY_PREFIX};
use super::{AuthMethod, CurrentUser};
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};
use crate::mail::Mailer;
use chrono::Utc;
use domain::Email;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use store::{DynStore, NewSession, StoreError, User, UserUpdate};
use uuid::Uuid;

/// Everything about accounts that handlers call into.
pub struct AuthService {
    pub(super) store: DynStore,
    pub(super) passwords: Passwords,
    pub(super) jwt: JwtKeys,
    pub(super) sessions: Arc<dyn SessionStore>,
    pub(super) mailer: Mailer,
    pub(super) public_url: String,
    pub(super) avatars_dir: PathBuf,
}

/// Who is asking, recorded with a new session.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

/// The result of signing in or refreshing.
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub user: User,
}

/// A credential as presented in a request header.
pub enum Credential {
    Bearer(String),
    ApiKey(String),
}

pub(super) fn token_error(err: TokenError) -> ApiError {
    ApiError::unauthorized(err.code(), err.message())
}

pub(super) fn account_disabled() -> ApiError {
    ApiError::Forbidden {
        code: "account_disabled",
        message: "this account is disabled; contact an administrator".into(),
    }
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized("invalid_credentials", "the email or password is incorrect")
}

fn session_ended() -> ApiError {
    ApiError::unauthorized(
        "session_revoked",
        "this session has ended (signed out, password changed or revoked); sign in again",
    )
}

/// Another row's absence becomes `None`; real failures stay errors.
pub(super) fn found<T>(result: store::Result<T>) -> ApiResult<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::NotFound) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

impl AuthService {
    pub fn new(
        settings: &Settings,
        store: DynStore,
        redis: Option<redis::aio::ConnectionManager>,
    ) -> anyhow::Result<Self> {
        let (access, refresh) = super::secrets::resolve(settings)?;
        let sessions: Arc<dyn SessionStore> = match redis {
            Some(redis) => Arc::new(RedisSessions::new(redis, &settings.redis_prefix)),
            None => Arc::new(StoreSessions(store.clone())),
        };
        let avatars_dir = settings.data_dir.join("avatars");
        std::fs::create_dir_all(&avatars_dir)?;
        let passwords = Passwords;
        passwords.warm_up();
        Ok(Self {
            store,
            passwords,
            jwt: JwtKeys::new(access.expose(), refresh.expose()),
            sessions,
            mailer: Mailer::from_settings(settings)?,
            public_url: settings.public_url.trim_end_matches('/').to_string(),
            avatars_dir,
        })
    }

    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    /// Checks email and password. Unknown emails cost the same argon2 work and
    /// get the same answer as wrong passwords.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: ClientInfo,
    ) -> ApiResult<IssuedTokens> {
        let user = match Email::parse(email) {
            Ok(email) => found(self.store.get_user_by_email(email.as_str()).await)?,
            Err(_) => None,
        };
        let matches = self
            .passwords
            .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await?;
        let user = match user {
            Some(user) if matches => user,
            _ => return Err(invalid_credentials()),
        };
        if !user.is_active {
            return Err(account_disabled());
        }
        let update = UserUpdate {
            last_login: Some(Utc::now()),
            ..Default::default()
        };
        let user = self.store.update_user(user.id, update).await?;
        self.sessions.purge_expired(user.id).await?;
        self.start_session(user, Uuid::new_v4(), client).await
    }

    /// Exchanges a refresh token for a new pair. Each refresh token works once; a
    /// second use means it was copied, so the whole login is ended.
    pub async fn refresh(&self, token: &str, client: ClientInfo) -> ApiResult<IssuedTokens> {
        let claims = self
            .jwt
            .decode(token, TokenType::Refresh)
            .map_err(token_error)?;
        let Some(session) = self.sessions.find(&sha256_hex(token)).await? else {
            return Err(session_ended());
        };
        if session.user_id.0 != claims.sub {
            return Err(session_ended());
        }
        if !self.sessions.mark_used(&session).await? {
            tracing::warn!(user = %session.user_id, family = %session.family_id,
                "a refresh token was used twice; ending that whole login (possible token theft)");
            self.sessions.revoke_family(session.family_id).await?;
            return Err(ApiError::unauthorized(
                "refresh_token_reused",
                "this refresh token was already used; for safety this sign-in has been ended everywhere; sign in again",
            ));
        }
        let Some(user) = found(self.store.get_user(session.user_id).await)? else {
            return Err(session_ended());
        };
        if !user.is_active {
            return Err(account_disabled());
        }
        self.start_session(user, session.family_id, client).await
    }

    /// Ends the login a refresh token belongs to. Unknown or invalid tokens are
    /// ignored so that signing out always succeeds.
    pub async fn logout(&self, refresh_token: Option<&str>) -> ApiResult<()> {
        let Some(token) = refresh_token else {
            return Ok(());
        };
        if self.jwt.decode(token, TokenType::Refresh).is_err() {
            return Ok(());
        }
        if let Some(session) = self.sessions.find(&sha256_hex(token)).await? {
            self.sessions.revoke_family(session.family_id).await?;
        }
        Ok(())
    }

    async fn start_session(
        &self,
        user: User,
        family: Uuid,
        client: ClientInfo,
    ) -> ApiResult<IssuedTokens> {
        let (access_token, _) =
            self.jwt
                .issue(TokenType::Access, user.id.0, &user.email, Some(family));
        let (refresh_token, claims) =
            self.jwt
                .issue(TokenType::Refresh, user.id.0, &user.email, Some(family));
        let expires_at = chrono::DateTime::from_timestamp(claims.exp, 0)
            .ok_or_else(|| ApiError::internal("bad exp"))?;
        self.sessions
            .create(NewSession {
                user_id: user.id,
                family_id: family,
                token_hash: sha256_hex(&refresh_token),
                expires_at,
                ip_address: client.ip.map(|ip| ip.to_string()),
                user_agent: client.user_agent.map(|ua| ua.chars().take(512).collect()),
            })
            .await?;
        Ok(IssuedTokens {
            access_token,
            refresh_token,
            user,
        })
    }

    /// Resolves a bearer token or API key to an active user.
    pub async fn authenticate(&self, credential: Credential) -> ApiResult<CurrentUser> {
        match credential {
            Credential::Bearer(token) if token.starts_with(API_KEY_PREFIX) => {
                self.authenticate_key(&token).await
            }
            Credential::ApiKey(key) => self.authenticate_key(&key).await,
            Credential::Bearer(token) => {
                let claims = self
                    .jwt
                    .decode(&token, TokenType::Access)
                    .map_err(token_error)?;
                let Some(user) = found(self.store.get_user(claims.sub.into()).await)? else {
                    return Err(ApiError::unauthorized(
                        "account_not_found",
                        "the account for this token no longer exists",
                    ));
                };
                if !user.is_active {
                    return Err(account_disabled());
                }
                // Signing out, a password reset or a detected theft ends the login,
                // and its access tokens with it rather than up to an hour later.
                if let Some(family) = claims.fam {
                    if !self.sessions.family_active(family).await? {
                        return Err(session_ended());
                    }
                }
                Ok(CurrentUser {
                    user,
                    method: AuthMethod::AccessToken { family: claims.fam },
                })
            }
        }
    }

    async fn authenticate_key(&self, key: &str) -> ApiResult<CurrentUser> {
        let invalid = || {
            ApiError::unauthorized(
                "invalid_api_key",
                "this API key is not valid; create one under Settings → API keys",
            )
        };
        if !key.starts_with(API_KEY_PREFIX) {
            return Err(invalid());
        }
        let Some(api_key) = found(self.store.find_api_key_by_hash(&sha256_hex(key)).await)? else {
            return Err(invalid());
        };
        if !api_key.is_active {
            return Err(ApiError::unauthorized(
                "api_key_revoked",
                "this API key has been revoked; create a new one",
            ));
        }
        let Some(user) = found(self.store.get_user(api_key.user_id).await)? else {
            return Err(invalid());
        };
        if !user.is_active {
            return Err(account_disabled());
        }
        let now = Utc::now();
        // One write per minute per key is plenty for "last used" and spares the store.
        if api_key
            .last_used_at
            .is_none_or(|at| now - at > chrono::Duration::seconds(60))
        {
            self.store.touch_api_key(api_key.id, now).await?;
        }
        Ok(CurrentUser {
            user,
            method: AuthMethod::ApiKey(api_key.id),
        })
    }
}
