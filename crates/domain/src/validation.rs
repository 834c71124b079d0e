//! Inputs that are parsed once at the edge ("parse, don't validate"): a value of
//! these types is known to be valid everywhere else.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("`{0}` is not a valid email address")]
    Email(String),
    #[error("the password does not meet the policy: {}", describe_rules(.0))]
    Password(Vec<PasswordRule>),
    #[error("{field} must be between 1 and {max} characters")]
    Length { field: &'static str, max: usize },
}

/// A rule of the password policy (SPEC: 8+ characters, upper, lower, digit, special).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordRule {
    MinLength,
    Uppercase,
    Lowercase,
    Digit,
    Special,
}

impl PasswordRule {
    pub fn describe(self) -> &'static str {
        match self {
            PasswordRule::MinLength => "at least 8 characters",
            PasswordRule::Uppercase => "an uppercase letter",
            PasswordRule::Lowercase => "a lowercase letter",
            PasswordRule::Digit => "a digit",
            PasswordRule::Special => "a special character",
        }
    }
}

fn describe_rules(rules: &[PasswordRule]) -> String {
    let parts: Vec<&str> = rules.iter().map(|r| r.describe()).collect();
    format!("it needs {}", parts.join(", "))
}

/// A normalized (trimmed, lower-cased) email address.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !email.chars().any(char::is_whitespace)
            });
        if valid {
            Ok(Self(email))
        } else {
            Err(ValidationError::Email(raw.trim().to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A plain-text password that satisfies the policy. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let failing = Self::failing_rules(raw);
        if failing.is_empty() {
            Ok(Self(raw.to_string()))
        } else {
            Err(ValidationError::Password(failing))
        }
    }

    /// Every rule the candidate breaks, in policy order.
    pub fn failing_rules(raw: &str) -> Vec<PasswordRule> {
        let checks = [
            (PasswordRule::MinLength, raw.chars().count() >= 8),
            (PasswordRule::Uppercase, raw.chars().any(char::is_uppercase)),
            (PasswordRule::Lowercase, raw.chars().any(char::is_lowercase)),
            (PasswordRule::Digit, raw.chars().any(|c| c.is_ascii_digit())),
            (
                PasswordRule::Special,
                raw.chars()
                    .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
            ),
        ];
        checks
            .into_iter()
            .filter(|(_, ok)| !ok)
            .map(|(rule, _)| rule)
            .collect()
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

macro_rules! bounded_text {
    ($(#[$meta:meta])* $name:ident, $field:literal, $max:expr) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                let value = raw.trim();
                if value.is_empty() || value.chars().count() > $max || value.chars().any(char::is_control) {
                    return Err(ValidationError::Length { field: $field, max: $max });
                }
                Ok(Self(value.to_string()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
}

bounded_text!(
    /// A person's display name.
    FullName, "full_name", 200
);
bounded_text!(
    /// The name a user gives a data source.
    DataSourceName, "name", 200
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalized_and_checked() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "", "ann", "ann@", "@x.io", "ann@host", "a b@x.io", "a@x@y.io", "a@.io",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_names_every_failing_rule() {
        assert!(Password::parse("Str0ng!pass").is_ok());
        assert_eq!(
            Password::failing_rules("abc"),
            vec![
                PasswordRule::MinLength,
                PasswordRule::Uppercase,
                PasswordRule::Digit,
                PasswordRule::Special
            ]
        );
        let msg = Password::parse("password").unwrap_err().to_string();
        assert!(
            msg.contains("uppercase") && msg.contains("digit") && msg.contains("special"),
            "{msg}"
        );
        assert_eq!(
            format!("{:?}", Password::parse("Str0ng!pass").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn names_are_bounded() {
        assert!(DataSourceName::parse("  ").is_err());
        assert!(DataSourceName::parse(&"x".repeat(201)).is_err());
        assert_eq!(FullName::parse(" Ann Lee ").unwrap().as_str(), "Ann Lee");
    }
}
