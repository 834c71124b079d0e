//! Password hashing with argon2id, and a constant-work check for unknown emails
//! so that a login's timing never tells whether an account exists.

use crate::error::{ApiError, ApiResult};
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use std::sync::OnceLock;

/// Hashes and verifies passwords off the I/O runtime (argon2 is deliberately slow).
#[derive(Clone, Copy, Debug, Default)]
pub struct Passwords;

fn argon2() -> Argon2<'static> {
    // OWASP minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)?;
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A hash of nothing anyone knows, verified against when the email is unknown so
/// both paths do the same argon2 work.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY
        .get_or_init(|| hash_now("no account has this password").expect("hashing a constant works"))
}

fn verify_now(password: &str, hash: Option<&str>) -> bool {
    let (encoded, known) = match hash {
        Some(h) => (h, true),
        None => (dummy_hash(), false),
    };
    let Ok(parsed) = PasswordHash::new(encoded) else {
        // A corrupt stored hash must still cost the same and never match.
        let _ = PasswordHash::new(dummy_hash())
            .map(|d| argon2().verify_password(password.as_bytes(), &d));
        return false;
    };
    let matches = argon2()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    known && matches
}

impl Passwords {
    /// Warms the dummy hash so the first unknown-email login is not slower than the rest.
    pub fn warm_up(self) {
        tokio::task::spawn_blocking(dummy_hash);
    }

    pub async fn hash(self, password: &domain::Password) -> ApiResult<String> {
        let password = password.expose().to_string();
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)
    }

    /// `hash = None` means "no such account": the same work is done and `false` returned.
    pub async fn verify(self, password: &str, hash: Option<&str>) -> ApiResult<bool> {
        let password = password.to_string();
        let hash = hash.map(str::to_string);
        tokio::task::spawn_blocking(move || verify_now(&password, hash.as_deref()))
            .await
            .map_err(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hash = hash_now("Str0ng!pass").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_now("Str0ng!pass", Some(&hash)));
        assert!(!verify_now("wrong", Some(&hash)));
        assert!(
            !verify_now("no account has this password", None),
            "the dummy never matches"
        );
        assert!(!verify_now("x", Some("not a hash")));
    }
}
