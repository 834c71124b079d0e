//! API key management on `AuthService`: create (the secret is returned once),
//! list and revoke, always scoped to the key's owner.

use super::service::AuthService;
use super::tokens::new_api_key;
use crate::error::{ApiError, ApiResult};
use domain::{ApiKeyId, UserId};
use store::{ApiKey, NewApiKey};

const MAX_KEY_NAME: usize = 100;

impl AuthService {
    /// Creates a key; the returned string is the only time its secret exists in clear.
    pub async fn create_api_key(
        &self,
        user: UserId,
        key_name: &str,
    ) -> ApiResult<(ApiKey, String)> {
        let name = key_name.trim();
        if name.is_empty()
            || name.chars().count() > MAX_KEY_NAME
            || name.chars().any(char::is_control)
        {
            return Err(ApiError::unprocessable(
                "invalid_key_name",
                format!("key_name must be between 1 and {MAX_KEY_NAME} characters"),
            ));
        }
        let key = new_api_key();
        let created = self
            .store
            .create_api_key(NewApiKey {
                user_id: user,
                key_name: name.to_string(),
                key_hash: key.hash,
                key_prefix: key.prefix,
            })
            .await?;
        Ok((created, key.secret))
    }

    pub async fn list_api_keys(&self, user: UserId) -> ApiResult<Vec<ApiKey>> {
        Ok(self.store.list_api_keys(user).await?)
    }

    /// Another user's key, or one already revoked, is simply not found.
    pub async fn revoke_api_key(&self, user: UserId, id: ApiKeyId) -> ApiResult<()> {
        self.store
            .revoke_api_key(user, id)
            .await
            .map_err(|err| match err {
                store::StoreError::NotFound => ApiError::NotFound("API key"),
                other => other.into(),
            })
    }
}
