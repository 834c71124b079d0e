//! Account lifecycle on `AuthService`: registration, email verification,
//! forgotten and changed passwords, and profile edits.

use super::service::{account_disabled, found, AuthService};
use super::tokens::{new_email_token, sha256_hex};
use super::{AuthMethod, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::mail::OutgoingMail;
use chrono::{Duration, Utc};
use domain::{Email, FullName, Password};
use std::sync::Arc;
use store::{NewAuthToken, NewUser, StoreError, TokenPurpose, User, UserUpdate};

const VERIFY_TTL_HOURS: i64 = 48;
const RESET_TTL_HOURS: i64 = 1;

fn email_taken() -> ApiError {
    ApiError::Conflict {
        code: "email_taken",
        message: "an account with this email already exists; sign in instead".into(),
    }
}

fn invalid_link() -> ApiError {
    ApiError::bad_request(
        "invalid_token",
        "this link is invalid, expired or already used; request a new one",
    )
}

impl AuthService {
    pub async fn register(
        &self,
        email: Email,
        password: Password,
        full_name: FullName,
    ) -> ApiResult<User> {
        let password_hash = self.passwords.hash(&password).await?;
        let user = self
            .store
            .create_user(NewUser {
                email: email.as_str().to_string(),
                password_hash,
                full_name: full_name.into_inner(),
                is_verified: false,
            })
            .await
            .map_err(|err| match err {
                StoreError::Conflict { .. } => email_taken(),
                other => other.into(),
            })?;
        self.send_verification(&user, &user.email).await?;
        Ok(user)
    }

    /// Emails a verification link for `address` (the account's current email).
    async fn send_verification(&self, user: &User, address: &str) -> ApiResult<()> {
        let (token, token_hash) = new_email_token();
        self.store
            .create_auth_token(NewAuthToken {
                user_id: user.id,
                purpose: TokenPurpose::VerifyEmail,
                token_hash,
                email: address.to_string(),
                expires_at: Utc::now() + Duration::hours(VERIFY_TTL_HOURS),
            })
            .await?;
        let link = format!("{}/verify-email?token={token}", self.public_url);
        self.mailer
            .send(OutgoingMail {
                to: address.to_string(),
                subject: "Confirm your email for InsightIQ".into(),
                body: format!(
                    "Hello {},\n\nConfirm this email address for your InsightIQ account by opening:\n\n{link}\n\n\
                     The link works once and expires in {VERIFY_TTL_HOURS} hours. If you did not ask for it, ignore this email.\n",
                    user.full_name
                ),
            })
            .await;
        Ok(())
    }

    pub async fn verify_email(&self, token: &str) -> ApiResult<User> {
        let Some(consumed) = found(
            self.store
                .consume_auth_token(TokenPurpose::VerifyEmail, &sha256_hex(token), Utc::now())
                .await,
        )?
        else {
            return Err(invalid_link());
        };
        let user = self.store.get_user(consumed.user_id).await?;
        // A link sent to an earlier address must not verify the current one.
        if consumed.email != user.email {
            return Err(invalid_link());
        }
        Ok(self
            .store
            .update_user(
                user.id,
                UserUpdate {
                    is_verified: Some(true),
                    ..Default::default()
                },
            )
            .await?)
    }

    /// Starts a password reset in the background and returns at once, so the
    /// answer and its timing are the same whether or not the account exists.
    pub fn forgot_password(self: &Arc<Self>, email: String) {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            if let Err(err) = this.send_reset(&email).await {
                tracing::error!(%err, "could not start a password reset");
            }
        });
    }

    async fn send_reset(&self, email: &str) -> ApiResult<()> {
        let Ok(email) = Email::parse(email) else {
            return Ok(());
        };
        let Some(user) = found(self.store.get_user_by_email(email.as_str()).await)? else {
            return Ok(());
        };
        if !user.is_active {
            return Ok(());
        }
        let (token, token_hash) = new_email_token();
        self.store
            .create_auth_token(NewAuthToken {
                user_id: user.id,
                purpose: TokenPurpose::ResetPassword,
                token_hash,
                email: user.email.clone(),
                expires_at: Utc::now() + Duration::hours(RESET_TTL_HOURS),
            })
            .await?;
        let link = format!("{}/reset-password?token={token}", self.public_url);
        self.mailer
            .send(OutgoingMail {
                to: user.email.clone(),
                subject: "Reset your InsightIQ password".into(),
                body: format!(
                    "Hello {},\n\nChoose a new InsightIQ password by opening:\n\n{link}\n\n\
                     The link works once and expires in {RESET_TTL_HOURS} hour. If you did not ask for it, \
                     ignore this email: your password stays as it is.\n",
                    user.full_name
                ),
            })
            .await;
        Ok(())
    }

    /// Sets a new password from an emailed token and ends every session.
    pub async fn reset_password(&self, token: &str, new_password: Password) -> ApiResult<()> {
        let Some(consumed) = found(
            self.store
                .consume_auth_token(TokenPurpose::ResetPassword, &sha256_hex(token), Utc::now())
                .await,
        )?
        else {
            return Err(invalid_link());
        };
        let user = self.store.get_user(consumed.user_id).await?;
        if consumed.email != user.email {
            return Err(invalid_link());
        }
        if !user.is_active {
            return Err(account_disabled());
        }
        let password_hash = self.passwords.hash(&new_password).await?;
        // Opening the emailed link proves the address, too.
        let update = UserUpdate {
            password_hash: Some(password_hash),
            is_verified: Some(true),
            ..Default::default()
        };
        self.store.update_user(user.id, update).await?;
        self.sessions.revoke_user(user.id, None).await?;
        Ok(())
    }

    /// Changes the password of a signed-in user and ends their other sessions.
    pub async fn change_password(
        &self,
        who: &CurrentUser,
        current: &str,
        new_password: Password,
    ) -> ApiResult<()> {
        if !self
            .passwords
            .verify(current, Some(&who.user.password_hash))
            .await?
        {
            return Err(ApiError::bad_request(
                "wrong_password",
                "the current password is incorrect",
            ));
        }
        let password_hash = self.passwords.hash(&new_password).await?;
        self.store
            .update_user(
                who.user.id,
                UserUpdate {
                    password_hash: Some(password_hash),
                    ..Default::default()
                },
            )
            .await?;
        let keep = match who.method {
            AuthMethod::AccessToken { family } => family,
            AuthMethod::ApiKey(_) => None,
        };
        self.sessions.revoke_user(who.user.id, keep).await
    }

    /// Changes name and/or email; a new email must be verified again.
    pub async fn update_profile(
        &self,
        who: &CurrentUser,
        full_name: Option<FullName>,
        email: Option<Email>,
    ) -> ApiResult<User> {
        let new_email = email
            .map(|e| e.as_str().to_string())
            .filter(|e| *e != who.user.email);
        let update = UserUpdate {
            full_name: full_name.map(FullName::into_inner),
            is_verified: new_email.as_ref().map(|_| false),
            email: new_email.clone(),
            ..Default::default()
        };
        let user = self
            .store
            .update_user(who.user.id, update)
            .await
            .map_err(|err| match err {
                StoreError::Conflict { .. } => email_taken(),
                other => other.into(),
            })?;
        if let Some(address) = new_email {
            self.send_verification(&user, &address).await?;
        }
        Ok(user)
    }
}
