//! Applying the rate limits of [`crate::ratelimit`] to requests.
//!
//! How to apply a limit:
//! - a class to one handler: add an argument `_: RateLimit<Queries>` (or
//!   `RateLimit<Uploads>`, `RateLimit<Auth>`) to the handler. Per-user classes use
//!   the caller's account when the request carries valid credentials, else the IP.
//! - the general 100/min-per-IP limit to every `/api` route: in `app()`,
//!   `.layer(axum::middleware::from_fn_with_state(state.clone(), limits::general_limit))`.
//!
//! Over the limit, the request is answered `429 rate_limited` with `Retry-After`.

use crate::auth::CurrentUser;
use crate::error::ApiError;
pub use crate::ratelimit::{Auth, General, KeyBy, LimitClass, Queries, Uploads};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};

/// Counts one request against `C` before the handler runs, or answers 429.
pub struct RateLimit<C>(PhantomData<C>);

impl<C: LimitClass> FromRequestParts<AppState> for RateLimit<C> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if !state.rate_limiter.enabled() {
            return Ok(Self(PhantomData));
        }
        let ip = client_ip(parts, &state.settings.trusted_proxies)
            .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
        let subject = match C::KEY {
            KeyBy::Ip => format!("ip:{ip}"),
            KeyBy::IpAndRoute => format!("ip:{ip}:{}", parts.uri.path()),
            // Failed authentication is left for the handler to report; the request
            // still counts, against the address.
            KeyBy::UserOrIp => match CurrentUser::from_request_parts(parts, state).await {
                Ok(user) => format!("user:{}", user.id()),
                Err(_) => format!("ip:{ip}"),
            },
        };
        state
            .rate_limiter
            .check(C::NAME, &subject, C::LIMIT, C::WINDOW_SECS)
            .await?;
        Ok(Self(PhantomData))
    }
}

/// Middleware for the general limit on `/api` routes (health checks excepted).
pub async fn general_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") && path != "/api/v1/health" {
        let (mut parts, body) = request.into_parts();
        if let Err(err) = RateLimit::<General>::from_request_parts(&mut parts, &state).await {
            return err.into_response();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(request).await
}

/// The client's address: the TCP peer, or, when the peer is a trusted proxy, the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
pub fn client_ip(parts: &Parts, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()?
        .0
        .ip()
        .to_canonical();
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
        .collect();
    // Entries left of the first untrusted hop were written by the client: never trust them.
    let client = forwarded
        .iter()
        .rev()
        .find(|ip| !trusted_proxies.contains(ip))
        .or(forwarded.first());
    Some(client.copied().unwrap_or(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(peer: &str, xff: Option<&str>) -> Parts {
        let mut builder = axum::http::Request::builder();
        if let Some(xff) = xff {
            builder = builder.header("x-forwarded-for", xff);
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        parts
    }

    #[test]
    fn forwarded_for_is_trusted_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert_eq!(
            client_ip(&parts("10.0.0.1:5", Some("1.2.3.4")), &[]),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_ip(&parts("10.0.0.1:5", Some("1.2.3.4")), &[proxy]),
            ip("1.2.3.4")
        );
        assert_eq!(
            client_ip(&parts("9.9.9.9:5", Some("1.2.3.4")), &[proxy]),
            ip("9.9.9.9")
        );
        // A client-supplied left part cannot spoof past the proxy's own entry.
        assert_eq!(
            client_ip(&parts("10.0.0.1:5", Some("6.6.6.6, 1.2.3.4")), &[proxy]),
            ip("1.2.3.4")
        );
        assert_eq!(
            client_ip(&parts("10.0.0.1:5", None), &[proxy]),
            ip("10.0.0.1")
        );
    }
}
