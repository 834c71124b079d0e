//! Connection secrets at rest: AES-256-GCM with a random 96-bit nonce per
//! value and the owner's id as associated data, so a sealed value copied to
//! another user's row does not open. The key comes from `INSIGHTIQ_SECRETS_KEY`
//! or (outside production) is generated once and kept in the data directory.

use crate::config::Settings;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{bail, Context};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use domain::UserId;
use rand::RngCore;
use std::path::Path;

const KEY_FILE: &str = "secrets.key";
const PREFIX: &str = "v1:";

/// Seals and opens secrets. `Debug` never shows the key.
#[derive(Clone)]
pub struct Vault {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(***)")
    }
}

/// A sealed value did not open: another key, another owner, or tampering.
#[derive(Debug, thiserror::Error)]
#[error("a stored connection secret cannot be decrypted (was INSIGHTIQ_SECRETS_KEY changed?)")]
pub struct Unreadable;

impl Vault {
    /// The vault for these settings (see the module comment for where the key comes from).
    pub fn load(settings: &Settings) -> anyhow::Result<Vault> {
        let key = match &settings.secrets_key {
            Some(key) => decode_key(key.expose()).context(
                "INSIGHTIQ_SECRETS_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)",
            )?,
            None if settings.production => bail!(
                "production mode needs INSIGHTIQ_SECRETS_KEY (32 random bytes, base64) to encrypt \
                 connection secrets; refusing to start without it"
            ),
            None => load_or_generate(&settings.data_dir)?,
        };
        Ok(Vault::from_key(&key))
    }

    pub fn from_key(key: &[u8; 32]) -> Vault {
        Vault {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    /// `v1:` + base64(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, owner: UserId, plaintext: &[u8]) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let aad = owner.to_string();
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    pub fn open(&self, owner: UserId, sealed: &str) -> Result<Vec<u8>, Unreadable> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|b| b.len() > 12)
            .ok_or(Unreadable)?;
        let (nonce, ciphertext) = bytes.split_at(12);
        let aad = owner.to_string();
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| Unreadable)
    }
}

fn decode_key(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = STANDARD
        .decode(text.trim())
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()))
        .context("not base64")?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| anyhow::anyhow!("{} bytes instead of 32", b.len()))
}

fn load_or_generate(data_dir: &Path) -> anyhow::Result<[u8; 32]> {
    let path = data_dir.join(KEY_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        return decode_key(&text).with_context(|| format!("{} is not a valid key", path.display()));
    }
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    if !crate::auth::secrets::publish_private(&path, &STANDARD.encode(key))? {
        // Another process on this data directory made one first: use it.
        return load_or_generate(data_dir);
    }
    tracing::warn!(
        path = %path.display(),
        "INSIGHTIQ_SECRETS_KEY is not set; generated a key for connection secrets (set it in production)"
    );
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_owner_and_key() {
        let vault = Vault::from_key(&[7; 32]);
        let ann = UserId::new();
        let sealed = vault.seal(ann, b"hunter2");
        assert!(!sealed.contains("hunter2"));
        assert_ne!(
            sealed,
            vault.seal(ann, b"hunter2"),
            "a fresh nonce each time"
        );
        assert_eq!(vault.open(ann, &sealed).unwrap(), b"hunter2");
        assert!(vault.open(UserId::new(), &sealed).is_err(), "another owner");
        assert!(
            Vault::from_key(&[8; 32]).open(ann, &sealed).is_err(),
            "another key"
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(vault.open(ann, &tampered).is_err());
        assert_eq!(format!("{vault:?}"), "Vault(***)");
    }

    #[test]
    fn a_generated_key_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_tests(dir.path().to_path_buf());
        let first = Vault::load(&settings).unwrap();
        let ann = UserId::new();
        let sealed_for_ann = first.seal(ann, b"token");
        let again = Vault::load(&settings).unwrap();
        assert_eq!(again.open(ann, &sealed_for_ann).unwrap(), b"token");
        settings.production = true;
        settings.secrets_key = None;
        assert!(Vault::load(&settings).is_err(), "production needs the key");
        settings.secrets_key = Some(crate::config::Secret::new("c2hvcnQ="));
        assert!(Vault::load(&settings).is_err(), "a short key is refused");
    }
}
