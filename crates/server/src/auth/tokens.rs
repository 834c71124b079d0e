//! Opaque secrets handed to people (API keys, email links) and the SHA-256
//! digests that are all the database ever stores of them.

use rand::distributions::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};

/// Every API key starts with this, so keys are recognizable in headers and scanners.
pub const API_KEY_PREFIX: &str = "iq_";

/// Characters of a key kept for display (`iq_` plus five).
pub const DISPLAY_PREFIX_LEN: usize = 8;

pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_alphanumeric(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A new API key: the full secret (shown once), its hash and its display prefix.
pub struct NewKey {
    pub secret: String,
    pub hash: String,
    pub prefix: String,
}

pub fn new_api_key() -> NewKey {
    // 40 alphanumerics is about 238 bits: a plain SHA-256 is enough at that entropy.
    let secret = format!("{API_KEY_PREFIX}{}", random_alphanumeric(40));
    NewKey {
        hash: sha256_hex(&secret),
        prefix: secret[..DISPLAY_PREFIX_LEN].to_string(),
        secret,
    }
}

/// A single-use token for an emailed link (verification, password reset).
pub fn new_email_token() -> (String, String) {
    let token = random_alphanumeric(43);
    let hash = sha256_hex(&token);
    (token, hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_prefix_and_hash() {
        let key = new_api_key();
        assert!(key.secret.starts_with("iq_") && key.secret.len() == 43);
        assert_eq!(key.prefix.len(), 8);
        assert!(key.secret.starts_with(&key.prefix));
        assert_eq!(key.hash, sha256_hex(&key.secret));
        assert_ne!(new_api_key().secret, key.secret);
    }
}
