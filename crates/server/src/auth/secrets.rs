//! Where the JWT secrets come from: the environment, or (outside production)
//! generated once and kept in the data directory so tokens survive restarts.

use crate::config::Secret;
use crate::config::Settings;
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
    if !publish_private(&path, &serde_json::to_string(&persisted)?)? {
        // Another process on this data directory generated them first: use theirs.
        return load_or_generate(data_dir);
    }
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

/// Creates `path`, readable only by its owner, complete or not at all. Returns
/// `false` when it already exists.
pub(crate) fn publish_private(path: &Path, contents: &str) -> anyhow::Result<bool> {
    use std::io::Write as _;
    let staging = path.with_extension(format!("{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&staging)
        .with_context(|| format!("cannot create {}", staging.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    // A hard link never replaces an existing file, so concurrent starts agree.
    let linked = std::fs::hard_link(&staging, path);
    let _ = std::fs::remove_file(&staging);
    match linked {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(err) => Err(err).with_context(|| format!("cannot create {}", path.display())),
    }
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

    #[test]
    fn concurrent_first_starts_agree() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::for_tests(dir.path().to_path_buf());
        let secrets: Vec<Secret> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| resolve(&settings).unwrap().0))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(secrets.windows(2).all(|pair| pair[0] == pair[1]));
        let files = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 1, "no staging files left behind");
    }
}
