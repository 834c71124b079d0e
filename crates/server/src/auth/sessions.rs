//! Refresh-token sessions behind one small trait: the metadata store's sessions
//! table by default, Redis when `REDIS_URL` is set. Only token hashes are kept.

use crate::error::{ApiError, ApiResult};
use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use domain::UserId;
use redis::aio::ConnectionManager;
use redis::AsyncCommands;
use std::collections::HashMap;
use store::{DynStore, NewSession, StoreError};
use uuid::Uuid;

/// One refresh token's session: which login (family) it continues.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user_id: UserId,
    pub family_id: Uuid,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    /// Store row id (the Redis backend keys by hash and leaves it nil).
    pub id: Uuid,
}

#[async_trait]
pub trait SessionStore: Send + Sync + 'static {
    async fn create(&self, session: NewSession) -> ApiResult<SessionRecord>;
    async fn find(&self, token_hash: &str) -> ApiResult<Option<SessionRecord>>;
    /// Marks the session's token used; `false` when it already was (a replay).
    async fn mark_used(&self, session: &SessionRecord) -> ApiResult<bool>;
    async fn revoke_family(&self, family: Uuid) -> ApiResult<()>;
    /// Revokes every session of a user, except the login `keep` when given.
    async fn revoke_user(&self, user: UserId, keep: Option<Uuid>) -> ApiResult<()>;
    /// Whether the login `family` is still alive (not signed out, revoked or expired).
    async fn family_active(&self, family: Uuid) -> ApiResult<bool>;
    /// Drops a user's expired sessions (done at sign-in, so the table stays bounded).
    async fn purge_expired(&self, user: UserId) -> ApiResult<()>;
}

/// Sessions in the metadata store's `sessions` table.
pub struct StoreSessions(pub DynStore);

#[async_trait]
impl SessionStore for StoreSessions {
    async fn create(&self, session: NewSession) -> ApiResult<SessionRecord> {
        let s = self.0.create_session(session).await?;
        Ok(SessionRecord {
            id: s.id.0,
            user_id: s.user_id,
            family_id: s.family_id,
            token_hash: s.token_hash,
            expires_at: s.expires_at,
        })
    }

    async fn find(&self, token_hash: &str) -> ApiResult<Option<SessionRecord>> {
        match self.0.find_session_by_hash(token_hash).await {
            Ok(s) => Ok(Some(SessionRecord {
                id: s.id.0,
                user_id: s.user_id,
                family_id: s.family_id,
                token_hash: s.token_hash,
                expires_at: s.expires_at,
            })),
            Err(StoreError::NotFound) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    async fn mark_used(&self, session: &SessionRecord) -> ApiResult<bool> {
        Ok(self
            .0
            .mark_session_used(session.id.into(), Utc::now())
            .await?)
    }

    async fn revoke_family(&self, family: Uuid) -> ApiResult<()> {
        self.0.revoke_session_family(family).await?;
        Ok(())
    }

    async fn revoke_user(&self, user: UserId, keep: Option<Uuid>) -> ApiResult<()> {
        self.0.revoke_user_sessions(user, keep).await?;
        Ok(())
    }

    async fn family_active(&self, family: Uuid) -> ApiResult<bool> {
        Ok(self.0.session_family_active(family, Utc::now()).await?)
    }

    async fn purge_expired(&self, user: UserId) -> ApiResult<()> {
        self.0.purge_expired_sessions(user, Utc::now()).await?;
        Ok(())
    }
}

/// Sessions in Redis: `session:{hash}` (a hash expiring with the token),
/// `family:{id}` (its token hashes) and `user_families:{id}` (a user's logins).
pub struct RedisSessions {
    redis: ConnectionManager,
    prefix: String,
}

// Marks a session used only if it still exists; HSETNX alone would resurrect a revoked one.
const MARK_USED: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('HSETNX', KEYS[1], 'used_at', ARGV[1])";

fn unavailable(err: redis::RedisError) -> ApiError {
    tracing::error!(%err, "redis session store failed");
    ApiError::Unavailable {
        code: "session_store_unavailable",
        message: "sessions are unavailable; try again shortly".into(),
    }
}

impl RedisSessions {
    pub fn new(redis: ConnectionManager, prefix: &str) -> Self {
        Self {
            redis,
            prefix: prefix.to_string(),
        }
    }

    fn session_key(&self, hash: &str) -> String {
        format!("{}session:{hash}", self.prefix)
    }

    fn family_key(&self, family: Uuid) -> String {
        format!("{}family:{family}", self.prefix)
    }

    fn user_key(&self, user: UserId) -> String {
        format!("{}user_families:{user}", self.prefix)
    }
}

#[async_trait]
impl SessionStore for RedisSessions {
    async fn create(&self, s: NewSession) -> ApiResult<SessionRecord> {
        let key = self.session_key(&s.token_hash);
        let ttl = (s.expires_at - Utc::now()).num_seconds().max(1);
        let fields = [
            ("user_id", s.user_id.to_string()),
            ("family_id", s.family_id.to_string()),
            ("expires_at", s.expires_at.timestamp().to_string()),
            ("ip_address", s.ip_address.clone().unwrap_or_default()),
            ("user_agent", s.user_agent.clone().unwrap_or_default()),
        ];
        let mut conn = self.redis.clone();
        redis::pipe()
            .atomic()
            .hset_multiple(&key, &fields)
            .ignore()
            .expire(&key, ttl)
            .ignore()
            .sadd(self.family_key(s.family_id), &s.token_hash)
            .ignore()
            .expire(self.family_key(s.family_id), ttl)
            .ignore()
            .sadd(self.user_key(s.user_id), s.family_id.to_string())
            .ignore()
            .expire(self.user_key(s.user_id), ttl)
            .ignore()
            .query_async::<()>(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(SessionRecord {
            id: Uuid::nil(),
            user_id: s.user_id,
            family_id: s.family_id,
            token_hash: s.token_hash,
            expires_at: s.expires_at,
        })
    }

    async fn find(&self, token_hash: &str) -> ApiResult<Option<SessionRecord>> {
        let mut conn = self.redis.clone();
        let fields: HashMap<String, String> = conn
            .hgetall(self.session_key(token_hash))
            .await
            .map_err(unavailable)?;
        if fields.is_empty() {
            return Ok(None);
        }
        let parse = || -> Option<SessionRecord> {
            Some(SessionRecord {
                id: Uuid::nil(),
                user_id: fields.get("user_id")?.parse().ok()?,
                family_id: fields.get("family_id")?.parse().ok()?,
                token_hash: token_hash.to_string(),
                expires_at: Utc
                    .timestamp_opt(fields.get("expires_at")?.parse().ok()?, 0)
                    .single()?,
            })
        };
        parse()
            .map(Some)
            .ok_or_else(|| ApiError::internal("a redis session record is corrupt"))
    }

    async fn mark_used(&self, session: &SessionRecord) -> ApiResult<bool> {
        let mut conn = self.redis.clone();
        let marked: i64 = redis::Script::new(MARK_USED)
            .key(self.session_key(&session.token_hash))
            .arg(Utc::now().timestamp())
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(marked == 1)
    }

    async fn revoke_family(&self, family: Uuid) -> ApiResult<()> {
        let mut conn = self.redis.clone();
        let hashes: Vec<String> = conn
            .smembers(self.family_key(family))
            .await
            .map_err(unavailable)?;
        let mut keys: Vec<String> = hashes.iter().map(|h| self.session_key(h)).collect();
        keys.push(self.family_key(family));
        conn.del::<_, ()>(keys).await.map_err(unavailable)?;
        Ok(())
    }

    async fn revoke_user(&self, user: UserId, keep: Option<Uuid>) -> ApiResult<()> {
        let mut conn = self.redis.clone();
        let families: Vec<String> = conn
            .smembers(self.user_key(user))
            .await
            .map_err(unavailable)?;
        for family in families {
            let Ok(id) = family.parse::<Uuid>() else {
                continue;
            };
            if Some(id) == keep {
                continue;
            }
            self.revoke_family(id).await?;
            conn.srem::<_, _, ()>(self.user_key(user), &family)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn family_active(&self, family: Uuid) -> ApiResult<bool> {
        let mut conn = self.redis.clone();
        // The family set expires with its newest session and is deleted on revocation.
        let exists: bool = conn
            .exists(self.family_key(family))
            .await
            .map_err(unavailable)?;
        Ok(exists)
    }

    async fn purge_expired(&self, _user: UserId) -> ApiResult<()> {
        // Redis expires session keys by itself.
        Ok(())
    }
}
