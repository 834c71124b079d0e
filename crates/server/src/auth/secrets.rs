//! Where the JWT secrets come from: the environment, or (outside production)
//! generated once and kept in the data directory so tokens survive restarts.

use crate::config::Secret;
use crate::state::Settings;
use anyhow::{bail, Context};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::path::Path;

const SECRETS_FILE: &str = "jwt_secrets.json";

#[derive(Serialize, Deserialize)]
struct Persisted {
    access: String,
    refresh: String,
}

/// The (access, refresh) secrets to sign tokens with.
pub fn resolve(settings: &Settings) -> anyhow::Result<(Secret, Secret)> {
    if let (Some(access), Some(refresh)) =
        (&settings.jwt_secret_key, &settings.jwt_refresh_secret_key)
    {
        if access == refresh {
            tracing::warn!(
                "JWT_SECRET_KEY and JWT_REFRESH_SECRET_KEY are equal; use two different secrets"
            );
        }
        return Ok((access.clone(), refresh.clone()));
    }
    if settings.production {
        bail!(
            "production mode needs JWT_SECRET_KEY and JWT_REFRESH_SECRET_KEY \
             (two different long random values); refusing to start without them"
        );
    }
    let persisted = load_or_generate(&settings.data_dir)?;
    let access = settings
        .jwt_secret_key
        .clone()
        .unwrap_or_else(|| Secret::new(persisted.access));
    let refresh = settings
        .jwt_refresh_secret_key
        .clone()
        .unwrap_or_else(|| Secret::new(persisted.refresh));
    Ok((access, refresh))
}

fn load_or_generate(data_dir: &Path) -> anyhow::Result<Persisted> {
    let path = data_dir.join(SECRETS_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let persisted: Persisted = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid; delete it to regenerate", path.display()))?;
        tracing::warn!(path = %path.display(), "JWT secrets are not configured; using the ones generated earlier");
        return Ok(persisted);
    }
    let persisted = Persisted {
        access: random_secret(),
        refresh: random_secret(),
    };
    write_private(&path, &serde_json::to_string(&persisted)?)?;
    tracing::warn!(
        path = %path.display(),
        "JWT secrets are not configured; generated new ones (set JWT_SECRET_KEY and JWT_REFRESH_SECRET_KEY in production)"
    );
    Ok(persisted)
}

fn random_secret() -> String {
    let mut bytes = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused_and_refused_in_production() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_tests(dir.path().to_path_buf());
        let (a1, r1) = resolve(&settings).unwrap();
        let (a2, r2) = resolve(&settings).unwrap();
        assert!(a1 == a2 && r1 == r2 && a1 != r1);
        settings.production = true;
        assert!(resolve(&settings).is_err());
        settings.jwt_secret_key = Some(Secret::new("a"));
        settings.jwt_refresh_secret_key = Some(Secret::new("b"));
        assert_eq!(resolve(&settings).unwrap().0.expose(), "a");
    }
}
