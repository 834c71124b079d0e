//! Profile pictures: the image type is read from the file's first bytes (never
//! its name), and the file is kept as DATA_DIR/avatars/{user_id}.{ext}.

use super::service::{found, AuthService};
use crate::error::{ApiError, ApiResult};
use domain::UserId;
use store::{User, UserUpdate};

/// Largest accepted avatar.
pub const MAX_AVATAR_BYTES: usize = 2 * 1024 * 1024;

/// A supported image format, recognized by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Webp,
}

impl ImageKind {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
        }
    }

    fn from_extension(ext: &str) -> Option<Self> {
        [Self::Png, Self::Jpeg, Self::Webp]
            .into_iter()
            .find(|k| k.extension() == ext)
    }
}

impl AuthService {
    /// Stores a new avatar for `user`, replacing any earlier one.
    pub async fn set_avatar(&self, user: UserId, bytes: &[u8]) -> ApiResult<User> {
        if bytes.len() > MAX_AVATAR_BYTES {
            return Err(ApiError::PayloadTooLarge {
                code: "avatar_too_large",
                message: format!(
                    "avatars can be at most {} MB",
                    MAX_AVATAR_BYTES / (1024 * 1024)
                ),
            });
        }
        let Some(kind) = ImageKind::sniff(bytes) else {
            return Err(ApiError::UnsupportedMediaType {
                code: "unsupported_image_type",
                message: "the file is not a PNG, JPEG or WebP image".into(),
            });
        };
        let name = format!("{user}.{}", kind.extension());
        let path = self.avatars_dir.join(&name);
        let partial = self.avatars_dir.join(format!("{name}.partial"));
        tokio::fs::write(&partial, bytes)
            .await
            .map_err(ApiError::internal)?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(ApiError::internal)?;
        for other in [ImageKind::Png, ImageKind::Jpeg, ImageKind::Webp] {
            if other != kind {
                let _ = tokio::fs::remove_file(
                    self.avatars_dir
                        .join(format!("{user}.{}", other.extension())),
                )
                .await;
            }
        }
        Ok(self
            .store
            .update_user(
                user,
                UserUpdate {
                    avatar_path: Some(name),
                    ..Default::default()
                },
            )
            .await?)
    }

    /// The avatar image of a user, with its type.
    pub async fn avatar(&self, user: UserId) -> ApiResult<(Vec<u8>, ImageKind)> {
        let missing = || ApiError::NotFound("avatar");
        let user = found(self.store.get_user(user).await)?.ok_or_else(missing)?;
        let name = user.avatar_path.ok_or_else(missing)?;
        let kind = name
            .rsplit_once('.')
            .and_then(|(_, ext)| ImageKind::from_extension(ext))
            .ok_or_else(missing)?;
        // Only names this module wrote are ever joined to the directory.
        if name != format!("{}.{}", user.id, kind.extension()) {
            return Err(missing());
        }
        let bytes = tokio::fs::read(self.avatars_dir.join(&name))
            .await
            .map_err(|_| missing())?;
        Ok((bytes, kind))
    }
}

#[cfg(test)]
mod tests {
    use super::ImageKind;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(
            ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        assert_eq!(ImageKind::sniff(b"name,revenue\n"), None);
        assert_eq!(ImageKind::sniff(b""), None);
    }
}
