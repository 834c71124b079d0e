//! Outgoing email (verification and password-reset links): SMTP through `lettre`
//! when configured, otherwise a file per message in DATA_DIR/outbox plus a log line.

use crate::config::Settings;
use anyhow::Context;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::path::PathBuf;

/// A plain-text message to one recipient.
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

// The body carries single-use tokens: never print it.
impl fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Outbox(_) => "outbox",
        };
        f.debug_struct("Mailer")
            .field("transport", &kind)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .mail_from
            .parse()
            .context("INSIGHTIQ_MAIL_FROM is not a valid address")?;
        let transport = match &settings.smtp_url {
            // The URL holds credentials: the error message must not echo it.
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|_| {
                        anyhow::anyhow!("INSIGHTIQ_SMTP_URL is not a valid smtp:// or smtps:// URL")
                    })?
                    .build(),
            ),
            None => {
                let dir = settings.data_dir.join("outbox");
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                Transport::Outbox(dir)
            }
        };
        Ok(Self { transport, from })
    }

    /// Where unsent mail is written when there is no SMTP server.
    pub fn outbox_dir(&self) -> Option<&std::path::Path> {
        match &self.transport {
            Transport::Outbox(dir) => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    /// Sends (or files) a message. Failures are logged, never returned: a slow or
    /// broken mail server must not fail the request that triggered the email.
    pub async fn send(&self, mail: OutgoingMail) {
        match &self.transport {
            Transport::Outbox(dir) => {
                if let Err(err) = self.write_outbox(dir, &mail).await {
                    tracing::error!(%err, to = %mail.to, "could not write email to the outbox");
                }
            }
            Transport::Smtp(smtp) => {
                let message = match self.build(&mail) {
                    Ok(m) => m,
                    Err(err) => {
                        tracing::error!(%err, to = %mail.to, "could not build email");
                        return;
                    }
                };
                let smtp = smtp.clone();
                let (to, subject) = (mail.to, mail.subject);
                tokio::spawn(async move {
                    match smtp.send(message).await {
                        Ok(_) => tracing::info!(%to, %subject, "email sent"),
                        Err(err) => tracing::error!(%err, %to, %subject, "email could not be sent"),
                    }
                });
            }
        }
    }

    fn build(&self, mail: &OutgoingMail) -> anyhow::Result<Message> {
        Ok(Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse()?)
            .subject(mail.subject.clone())
            .body(mail.body.clone())?)
    }

    async fn write_outbox(
        &self,
        dir: &std::path::Path,
        mail: &OutgoingMail,
    ) -> std::io::Result<()> {
        let now = chrono::Utc::now();
        let name = format!(
            "{}-{}.eml",
            now.format("%Y%m%dT%H%M%S%.3fZ"),
            uuid::Uuid::new_v4().simple()
        );
        let path = dir.join(name);
        let text = format!(
            "From: {}\nTo: {}\nSubject: {}\nDate: {}\n\n{}\n",
            self.from,
            mail.to,
            mail.subject,
            now.to_rfc2822(),
            mail.body
        );
        // Written aside then renamed, so a reader never sees half a message.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, text).await?;
        tokio::fs::rename(&partial, &path).await?;
        tracing::info!(
            to = %mail.to,
            subject = %mail.subject,
            path = %path.display(),
            "no SMTP server configured: email written to the outbox"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[test]
    fn smtp_urls_are_accepted_and_never_echoed() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_tests(dir.path().to_path_buf());
        for url in [
            "smtp://localhost:2525",
            "smtps://user:pa55@mail.example.com",
            "smtp://u:p@mail.example.com?tls=required",
        ] {
            settings.smtp_url = Some(Secret::new(url));
            let mailer = Mailer::from_settings(&settings).unwrap();
            assert!(mailer.outbox_dir().is_none());
            assert_eq!(format!("{mailer:?}"), r#"Mailer { transport: "smtp", .. }"#);
        }
        settings.smtp_url = Some(Secret::new("ftp://user:pa55@x"));
        let err = Mailer::from_settings(&settings).unwrap_err().to_string();
        assert!(!err.contains("pa55"), "{err}");
        settings.smtp_url = None;
        assert!(Mailer::from_settings(&settings)
            .unwrap()
            .outbox_dir()
            .unwrap()
            .ends_with("outbox"));
    }
}
