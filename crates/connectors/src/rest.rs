//! A JSON API as a table: requests with the configured auth, records picked out
//! of each page by a JSONPath selector (RFC 9535), pages followed in the
//! configured style, records flattened and written as newline-delimited JSON
//! for the engine's JSON ingest.

use crate::flatten::flatten;
use crate::http::{shown, HttpClient, Request};
use crate::secret::MASK;
use crate::{ConnectorError, Result, Secret};
use base64::Engine as _;
use reqwest::header::LINK;
use reqwest::{Method, Url};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use serde_json_path::JsonPath;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use utoipa::ToSchema;

/// How to read one API.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RestConfig {
    /// The first page's URL (`https://…`).
    pub url: String,
    #[serde(default)]
    pub method: HttpMethod,
    /// Extra request headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Extra query parameters.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// JSON body for `POST`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub body: Option<Value>,
    #[serde(default)]
    pub auth: RestAuth,
    /// JSONPath of the records in a page, e.g. `$.data[*]` or `$.results`.
    /// Unset: the page itself when it is an array, else its only array of
    /// objects, else the page as one record.
    #[serde(default)]
    pub records_path: Option<String>,
    #[serde(default)]
    pub pagination: Pagination,
    /// Most pages read (default 100, at most 1,000).
    #[serde(default = "default_max_pages")]
    pub max_pages: u32,
    /// Most records read (default 100,000, at most 1,000,000).
    #[serde(default = "default_max_records")]
    pub max_records: u64,
}

fn default_max_pages() -> u32 {
    100
}
fn default_max_records() -> u64 {
    100_000
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    #[default]
    Get,
    Post,
}

/// Credentials sent with every request.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RestAuth {
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer { token: Secret },
    /// A key in a header (default `X-API-Key`) or a query parameter.
    ApiKey {
        #[serde(default = "default_key_name")]
        name: String,
        value: Secret,
        #[serde(default)]
        location: KeyLocation,
    },
    /// HTTP basic authentication.
    Basic { username: String, password: Secret },
}

fn default_key_name() -> String {
    "X-API-Key".into()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyLocation {
    #[default]
    Header,
    Query,
}

/// How the API hands out the next page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Pagination {
    /// One request.
    #[default]
    None,
    /// `?page=1`, `?page=2`, … until a page has no records.
    PageNumber {
        #[serde(default = "default_page_param")]
        param: String,
        #[serde(default = "one")]
        start: u64,
        /// Page-size parameter and value, when the API takes one.
        #[serde(default)]
        size_param: Option<String>,
        #[serde(default)]
        size: Option<u64>,
    },
    /// `?offset=0&limit=100`, `?offset=100&limit=100`, … until a short page.
    OffsetLimit {
        #[serde(default = "default_offset_param")]
        offset_param: String,
        #[serde(default = "default_limit_param")]
        limit_param: String,
        #[serde(default = "default_limit")]
        limit: u64,
    },
    /// The body says where to continue: `cursor_path` (JSONPath) is sent back as `param`.
    Cursor {
        cursor_path: String,
        #[serde(default = "default_cursor_param")]
        param: String,
    },
    /// The body holds the next page's URL at `next_path` (JSONPath).
    NextUrl { next_path: String },
    /// The `Link: <…>; rel="next"` header (RFC 8288), as GitHub's API sends it.
    LinkHeader,
}

fn default_page_param() -> String {
    "page".into()
}
fn one() -> u64 {
    1
}
fn default_offset_param() -> String {
    "offset".into()
}
fn default_limit_param() -> String {
    "limit".into()
}
fn default_limit() -> u64 {
    100
}
fn default_cursor_param() -> String {
    "cursor".into()
}

const MAX_PAGES: u32 = 1_000;
const MAX_RECORDS: u64 = 1_000_000;

/// What a fetch read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestSummary {
    pub records: u64,
    pub pages: u32,
    /// A page or record limit stopped the fetch before the API ran out.
    pub truncated: bool,
}

impl RestConfig {
    /// The settings with every credential masked, for showing.
    pub fn masked(&self) -> Value {
        let mut shown = self.clone();
        for (name, value) in shown.headers.iter_mut() {
            if crate::http::is_sensitive(name) {
                *value = MASK.into();
            }
        }
        match &mut shown.auth {
            RestAuth::None => {}
            RestAuth::Bearer { token } => *token = Secret::new(MASK),
            RestAuth::ApiKey { value, .. } => *value = Secret::new(MASK),
            RestAuth::Basic { password, .. } => *password = Secret::new(MASK),
        }
        serde_json::to_value(shown).unwrap_or_else(|_| json!({}))
    }

    /// The host the records come from (a source's default name).
    pub fn host(&self) -> Option<String> {
        Url::parse(&self.url).ok()?.host_str().map(str::to_string)
    }

    fn check(&self) -> Result<(Url, Option<JsonPath>)> {
        let url = Url::parse(self.url.trim()).map_err(|e| {
            ConnectorError::Invalid(format!(
                "`url` is not a valid URL ({e}); write it as https://…"
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ConnectorError::Invalid(
                "`url` must start with http:// or https://".into(),
            ));
        }
        if self.max_pages == 0 || self.max_pages > MAX_PAGES {
            return Err(ConnectorError::Invalid(format!(
                "`max_pages` must be between 1 and {MAX_PAGES}"
            )));
        }
        if self.max_records == 0 || self.max_records > MAX_RECORDS {
            return Err(ConnectorError::Invalid(format!(
                "`max_records` must be between 1 and {MAX_RECORDS}"
            )));
        }
        let selector = self
            .records_path
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let selector = selector
            .map(|p| parse_path("records_path", p))
            .transpose()?;
        match &self.pagination {
            Pagination::Cursor { cursor_path, .. } => {
                parse_path("cursor_path", cursor_path)?;
            }
            Pagination::NextUrl { next_path } => {
                parse_path("next_path", next_path)?;
            }
            _ => {}
        }
        Ok((url, selector))
    }
}

fn parse_path(field: &str, path: &str) -> Result<JsonPath> {
    JsonPath::parse(path).map_err(|e| {
        ConnectorError::Invalid(format!(
            "`{field}` is not a JSONPath expression ({e}); write it like $.data[*]"
        ))
    })
}

/// Reads every page (within the limits) and writes the flattened records to
/// `out` as newline-delimited JSON.
pub async fn fetch(config: &RestConfig, client: &HttpClient, out: &Path) -> Result<RestSummary> {
    let (first, selector) = config.check()?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut summary = RestSummary {
        records: 0,
        pages: 0,
        truncated: false,
    };
    let mut next = Some(page_url(config, &first, 0, None));
    let mut previous_cursor: Option<String> = None;
    while let Some(url) = next.take() {
        if summary.pages >= config.max_pages {
            summary.truncated = true;
            break;
        }
        let response = client.send(&request(config, url.clone())?).await?;
        let link_next = response
            .headers
            .get(LINK)
            .and_then(|v| v.to_str().ok())
            .and_then(next_link)
            .and_then(|l| response.url.join(&l).ok());
        let page = response.json().await?;
        summary.pages += 1;
        let records = select(&page, selector.as_ref());
        let count = records.len() as u64;
        for record in records {
            if summary.records >= config.max_records {
                summary.truncated = true;
                break;
            }
            serde_json::to_writer(&mut file, &flatten(record.clone()))
                .map_err(std::io::Error::other)?;
            file.write_all(b"\n")?;
            summary.records += 1;
        }
        if summary.truncated || count == 0 {
            break;
        }
        next = match &config.pagination {
            Pagination::None => None,
            Pagination::PageNumber { size, .. } => {
                let short = size.is_some_and(|s| count < s);
                (!short).then(|| page_url(config, &first, u64::from(summary.pages), None))
            }
            Pagination::OffsetLimit { limit, .. } => {
                (count >= *limit).then(|| page_url(config, &first, u64::from(summary.pages), None))
            }
            Pagination::Cursor { cursor_path, .. } => {
                let cursor = first_string(&page, cursor_path);
                match cursor {
                    Some(c) if previous_cursor.as_ref() != Some(&c) => {
                        let url = page_url(config, &first, 0, Some(&c));
                        previous_cursor = Some(c);
                        Some(url)
                    }
                    _ => None,
                }
            }
            Pagination::NextUrl { next_path } => first_string(&page, next_path)
                .and_then(|n| response_url_join(&url, &n))
                .filter(|n| *n != url),
            Pagination::LinkHeader => link_next.filter(|n| *n != url),
        };
    }
    file.flush()?;
    if summary.records == 0 {
        let place = config.records_path.as_deref().unwrap_or("the response");
        return Err(ConnectorError::Invalid(format!(
            "{} returned no records at {place}; check `records_path`",
            shown(&first)
        )));
    }
    Ok(summary)
}

fn response_url_join(base: &Url, next: &str) -> Option<Url> {
    base.join(next).ok()
}

/// The URL of page `index` (0-based) or of the page after `cursor`.
fn page_url(config: &RestConfig, first: &Url, index: u64, cursor: Option<&str>) -> Url {
    let mut url = first.clone();
    {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in &config.query {
            pairs.append_pair(k, v);
        }
        if let RestAuth::ApiKey {
            name,
            value,
            location: KeyLocation::Query,
        } = &config.auth
        {
            pairs.append_pair(name, value.expose());
        }
        match &config.pagination {
            Pagination::PageNumber {
                param,
                start,
                size_param,
                size,
            } => {
                pairs.append_pair(param, &(start + index).to_string());
                if let (Some(p), Some(s)) = (size_param, size) {
                    pairs.append_pair(p, &s.to_string());
                }
            }
            Pagination::OffsetLimit {
                offset_param,
                limit_param,
                limit,
            } => {
                pairs.append_pair(offset_param, &(index * limit).to_string());
                pairs.append_pair(limit_param, &limit.to_string());
            }
            Pagination::Cursor { param, .. } => {
                if let Some(c) = cursor {
                    pairs.append_pair(param, c);
                }
            }
            _ => {}
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    url
}

fn request(config: &RestConfig, url: Url) -> Result<Request> {
    let mut request = Request::get(url);
    if config.method == HttpMethod::Post {
        request.method = Method::POST;
        request.json = Some(config.body.clone().unwrap_or_else(|| json!({})));
    }
    request = request.header("Accept", "application/json")?;
    for (name, value) in &config.headers {
        request = request.header(name, value)?;
    }
    match &config.auth {
        RestAuth::None => {}
        RestAuth::Bearer { token } => {
            request = request.header("Authorization", &format!("Bearer {}", token.expose()))?;
        }
        RestAuth::ApiKey {
            name,
            value,
            location: KeyLocation::Header,
        } => request = request.header(name, value.expose())?,
        RestAuth::ApiKey { .. } => {}
        RestAuth::Basic { username, password } => {
            let pair = base64::engine::general_purpose::STANDARD
                .encode(format!("{username}:{}", password.expose()));
            request = request.header("Authorization", &format!("Basic {pair}"))?;
        }
    }
    Ok(request)
}

/// The records of one page.
fn select<'a>(page: &'a Value, selector: Option<&JsonPath>) -> Vec<&'a Value> {
    let nodes: Vec<&Value> = match selector {
        Some(path) => path.query(page).all(),
        None => match page {
            Value::Array(_) => vec![page],
            Value::Object(map) => {
                let arrays: Vec<&Value> = map
                    .values()
                    .filter(|v| v.as_array().is_some_and(|a| a.iter().any(Value::is_object)))
                    .collect();
                if arrays.len() == 1 {
                    arrays
                } else {
                    vec![page]
                }
            }
            _ => Vec::new(),
        },
    };
    // A selector naming one array (`$.data`) means its elements.
    if let [Value::Array(items)] = nodes.as_slice() {
        return items.iter().collect();
    }
    nodes
}

fn first_string(page: &Value, path: &str) -> Option<String> {
    let path = JsonPath::parse(path).ok()?;
    match path.query(page).all().first()? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The `rel="next"` target of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().to_ascii_lowercase().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        });
        is_next.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_next_is_found() {
        let header = r#"<https://api.example.com/items?page=3>; rel="next", <https://api.example.com/items?page=9>; rel="last""#;
        assert_eq!(
            next_link(header).as_deref(),
            Some("https://api.example.com/items?page=3")
        );
        assert_eq!(next_link(r#"<https://x/1>; rel="prev""#), None);
    }

    #[test]
    fn records_are_found_without_a_selector() {
        let page = json!({"meta": {"total": 2}, "data": [{"a": 1}, {"a": 2}]});
        assert_eq!(select(&page, None).len(), 2);
        let bare = json!([{"a": 1}]);
        assert_eq!(select(&bare, None).len(), 1);
        let one = json!({"a": 1});
        assert_eq!(select(&one, None), vec![&one]);
        let path = JsonPath::parse("$.data").unwrap();
        assert_eq!(
            select(&page, Some(&path)).len(),
            2,
            "an array means its items"
        );
        let path = JsonPath::parse("$.data[?@.a > 1]").unwrap();
        assert_eq!(select(&page, Some(&path)), vec![&json!({"a": 2})]);
    }

    #[test]
    fn secrets_are_masked_for_showing() {
        let config: RestConfig = serde_json::from_value(json!({
            "url": "https://api.example.com/v1/orders",
            "headers": {"X-Tenant": "acme", "X-Api-Token": "t0ps3cret"},
            "auth": {"type": "basic", "username": "ann", "password": "hunter2"}
        }))
        .unwrap();
        let masked = config.masked().to_string();
        assert!(
            !masked.contains("hunter2") && !masked.contains("t0ps3cret"),
            "{masked}"
        );
        assert!(masked.contains("acme") && masked.contains("ann"));
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn page_urls_carry_paging_and_query_key() {
        let config: RestConfig = serde_json::from_value(json!({
            "url": "https://api.example.com/items?sort=id",
            "auth": {"type": "api_key", "name": "key", "value": "k1", "location": "query"},
            "pagination": {"type": "offset_limit", "limit": 50}
        }))
        .unwrap();
        let first = Url::parse(&config.url).unwrap();
        assert_eq!(
            page_url(&config, &first, 2, None).as_str(),
            "https://api.example.com/items?sort=id&key=k1&offset=100&limit=50"
        );
    }
}
