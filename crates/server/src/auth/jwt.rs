//! JSON Web Tokens: HS256 access (1 h) and refresh (30 days) tokens with separate
//! secrets, and decoding that names exactly why a token was refused.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

pub const ACCESS_TTL_SECS: i64 = 3600;
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub email: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(rename = "type")]
    pub token_type: TokenType,
    /// Unique per token, so two tokens minted in the same second still differ.
    pub jti: String,
    /// The login session (refresh-token family) this token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fam: Option<Uuid>,
}

/// Why a token was refused; each becomes its own 401 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    AlgNone,
    UnsupportedAlgorithm,
    BadSignature,
    Expired,
    WrongType,
}

impl TokenError {
    pub fn code(self) -> &'static str {
        match self {
            TokenError::Malformed => "malformed_token",
            TokenError::AlgNone => "token_alg_none",
            TokenError::UnsupportedAlgorithm => "unsupported_token_algorithm",
            TokenError::BadSignature => "invalid_token_signature",
            TokenError::Expired => "token_expired",
            TokenError::WrongType => "wrong_token_type",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            TokenError::Malformed => "the token is not a well-formed JWT; sign in again",
            TokenError::AlgNone => "unsigned tokens (alg: none) are never accepted",
            TokenError::UnsupportedAlgorithm => "only HS256 tokens issued by this server are accepted",
            TokenError::BadSignature => "the token's signature does not match; sign in again",
            TokenError::Expired => "the token has expired; refresh it or sign in again",
            TokenError::WrongType => "this kind of token cannot be used here (access and refresh tokens are not interchangeable)",
        }
    }
}

struct KeyPair {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl KeyPair {
    fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }
}

pub struct JwtKeys {
    access: KeyPair,
    refresh: KeyPair,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtKeys(***)")
    }
}

impl JwtKeys {
    pub fn new(access_secret: &str, refresh_secret: &str) -> Self {
        Self {
            access: KeyPair::new(access_secret.as_bytes()),
            refresh: KeyPair::new(refresh_secret.as_bytes()),
        }
    }

    fn keys(&self, token_type: TokenType) -> &KeyPair {
        match token_type {
            TokenType::Access => &self.access,
            TokenType::Refresh => &self.refresh,
        }
    }

    /// Mints a token of `token_type` for a user; returns it with its claims.
    pub fn issue(
        &self,
        token_type: TokenType,
        user: Uuid,
        email: &str,
        family: Option<Uuid>,
    ) -> (String, Claims) {
        let now = chrono::Utc::now().timestamp();
        let ttl = match token_type {
            TokenType::Access => ACCESS_TTL_SECS,
            TokenType::Refresh => REFRESH_TTL_SECS,
        };
        let claims = Claims {
            sub: user,
            email: email.to_string(),
            iat: now,
            exp: now + ttl,
            token_type,
            jti: Uuid::new_v4().simple().to_string(),
            fam: family,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.keys(token_type).encoding,
        )
        .expect("HS256 encoding of plain claims cannot fail");
        (token, claims)
    }

    /// Verifies a token that must be of `expected` type.
    pub fn decode(&self, token: &str, expected: TokenType) -> Result<Claims, TokenError> {
        check_header(token)?;
        match decode_with(token, &self.keys(expected).decoding) {
            Ok(claims) if claims.token_type == expected => Ok(claims),
            // Both secrets configured alike: the `type` claim still tells them apart.
            Ok(_) => Err(TokenError::WrongType),
            Err(TokenError::BadSignature) => {
                // Signed with the other secret: a valid token in the wrong place.
                let other = match expected {
                    TokenType::Access => TokenType::Refresh,
                    TokenType::Refresh => TokenType::Access,
                };
                match decode_with(token, &self.keys(other).decoding) {
                    Ok(_) | Err(TokenError::Expired) => Err(TokenError::WrongType),
                    Err(_) => Err(TokenError::BadSignature),
                }
            }
            Err(err) => Err(err),
        }
    }
}

/// Reads the header ourselves: `jsonwebtoken` refuses `alg: none` as a generic
/// parse error, and callers deserve to know that is what happened.
fn check_header(token: &str) -> Result<(), TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .map_err(|_| TokenError::Malformed)?;
    let header: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;
    match header.get("alg").and_then(|a| a.as_str()) {
        Some("HS256") => Ok(()),
        Some(alg) if alg.eq_ignore_ascii_case("none") => Err(TokenError::AlgNone),
        Some(_) => Err(TokenError::UnsupportedAlgorithm),
        None => Err(TokenError::Malformed),
    }
}

fn decode_with(token: &str, key: &DecodingKey) -> Result<Claims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 5;
    validation.set_required_spec_claims(&["exp", "iat", "sub"]);
    jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map(|data| data.claims)
        .map_err(|err| match err.kind() {
            ErrorKind::ExpiredSignature => TokenError::Expired,
            ErrorKind::InvalidSignature => TokenError::BadSignature,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                TokenError::UnsupportedAlgorithm
            }
            _ => TokenError::Malformed,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new("access-secret-for-tests", "refresh-secret-for-tests")
    }

    #[test]
    fn round_trip_and_type_confusion() {
        let keys = keys();
        let user = Uuid::new_v4();
        let (access, _) = keys.issue(TokenType::Access, user, "a@b.io", None);
        let (refresh, _) = keys.issue(TokenType::Refresh, user, "a@b.io", Some(Uuid::new_v4()));
        assert_eq!(keys.decode(&access, TokenType::Access).unwrap().sub, user);
        assert_eq!(
            keys.decode(&refresh, TokenType::Refresh)
                .unwrap()
                .token_type,
            TokenType::Refresh
        );
        assert_eq!(
            keys.decode(&refresh, TokenType::Access).unwrap_err(),
            TokenError::WrongType
        );
        assert_eq!(
            keys.decode(&access, TokenType::Refresh).unwrap_err(),
            TokenError::WrongType
        );
        let same = JwtKeys::new("same", "same");
        let (r, _) = same.issue(TokenType::Refresh, user, "a@b.io", None);
        assert_eq!(
            same.decode(&r, TokenType::Access).unwrap_err(),
            TokenError::WrongType
        );
    }

    #[test]
    fn refusals_are_named() {
        let keys = keys();
        let other = JwtKeys::new("another", "another-refresh");
        let (foreign, _) = other.issue(TokenType::Access, Uuid::new_v4(), "a@b.io", None);
        assert_eq!(
            keys.decode(&foreign, TokenType::Access).unwrap_err(),
            TokenError::BadSignature
        );
        assert_eq!(
            keys.decode("abc", TokenType::Access).unwrap_err(),
            TokenError::Malformed
        );
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = foreign.split('.').nth(1).unwrap();
        assert_eq!(
            keys.decode(&format!("{none_header}.{payload}."), TokenType::Access)
                .unwrap_err(),
            TokenError::AlgNone
        );
        let hs512 = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS512","typ":"JWT"}"#);
        assert_eq!(
            keys.decode(&format!("{hs512}.{payload}.sig"), TokenType::Access)
                .unwrap_err(),
            TokenError::UnsupportedAlgorithm
        );
        assert_eq!(format!("{keys:?}"), "JwtKeys(***)");
    }
}
