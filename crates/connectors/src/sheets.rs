//! Google Sheets shared by link: the spreadsheet's export, as XLSX (types kept)
//! or, for one tab picked by its `gid` in the URL, as CSV. No Google account is
//! needed; a sheet that is not shared answers with a sign-in page, which is
//! reported as such.

use crate::http::{HttpClient, Request};
use crate::{ConnectorError, Result};
use reqwest::Url;
use serde::{Deserialize, Serialize};
use std::path::Path;
use utoipa::ToSchema;

/// Where Google's endpoints are; tests point it at a local server.
#[derive(Debug, Clone)]
pub struct GoogleEndpoints {
    /// Serves `/spreadsheets/d/{id}/export` (default `https://docs.google.com`).
    pub docs_base: Url,
}

impl Default for GoogleEndpoints {
    fn default() -> Self {
        GoogleEndpoints {
            docs_base: Url::parse("https://docs.google.com").expect("a valid URL"),
        }
    }
}

/// A sheet shared by link.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SheetLinkConfig {
    /// The sheet's URL as the browser shows it (or just its id).
    pub url: String,
    /// The tab to read, by name (default: the tab in the URL, else the first).
    #[serde(default)]
    pub sheet: Option<String>,
}

/// A spreadsheet id and, when the URL named one, a tab's `gid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRef {
    pub spreadsheet_id: String,
    pub gid: Option<String>,
}

/// Reads `https://docs.google.com/spreadsheets/d/<id>/edit#gid=<gid>` (any
/// host: the path is what matters) or a bare id.
pub fn parse_sheet_url(text: &str) -> Result<SheetRef> {
    let text = text.trim();
    let valid_id = |id: &str| {
        id.len() >= 10
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if valid_id(text) {
        return Ok(SheetRef {
            spreadsheet_id: text.to_string(),
            gid: None,
        });
    }
    let invalid = || {
        ConnectorError::Invalid(
            "`url` is not a Google Sheets link; copy it from the browser's address bar \
             (https://docs.google.com/spreadsheets/d/…)"
                .into(),
        )
    };
    let url = Url::parse(text).map_err(|_| invalid())?;
    let mut segments = url.path_segments().ok_or_else(invalid)?;
    let id = loop {
        match segments.next() {
            Some("d") => break segments.next().ok_or_else(invalid)?.to_string(),
            Some(_) => continue,
            None => return Err(invalid()),
        }
    };
    if !valid_id(&id) {
        return Err(invalid());
    }
    let from_query = url
        .query_pairs()
        .find(|(k, _)| k == "gid")
        .map(|(_, v)| v.into_owned());
    let from_fragment = url.fragment().and_then(|f| {
        f.split('&')
            .find_map(|p| p.strip_prefix("gid="))
            .map(str::to_string)
    });
    let gid = from_fragment
        .or(from_query)
        .filter(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()));
    Ok(SheetRef {
        spreadsheet_id: id,
        gid,
    })
}

/// The file an export was saved as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    /// A file name the engine's sniffer reads as this format.
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "sheet.xlsx",
            ExportFormat::Csv => "sheet.csv",
        }
    }
}

/// Downloads the shared sheet to `out`: the whole workbook as XLSX, unless
/// the URL picked a tab by `gid` and no tab name was given (then that tab as CSV).
pub async fn download_shared(
    config: &SheetLinkConfig,
    endpoints: &GoogleEndpoints,
    client: &HttpClient,
    out: &Path,
) -> Result<ExportFormat> {
    let sheet = parse_sheet_url(&config.url)?;
    let format = match (&config.sheet, &sheet.gid) {
        (None, Some(_)) => ExportFormat::Csv,
        _ => ExportFormat::Xlsx,
    };
    let mut url = endpoints
        .docs_base
        .join(&format!("spreadsheets/d/{}/export", sheet.spreadsheet_id))
        .map_err(|e| ConnectorError::Invalid(e.to_string()))?;
    match format {
        ExportFormat::Xlsx => {
            url.query_pairs_mut().append_pair("format", "xlsx");
        }
        ExportFormat::Csv => {
            url.query_pairs_mut()
                .append_pair("format", "csv")
                .append_pair("gid", sheet.gid.as_deref().unwrap_or("0"));
        }
    }
    let response = client.send(&Request::get(url)).await.map_err(not_shared)?;
    let html = response
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if html {
        return Err(private_sheet());
    }
    response.save(out).await?;
    if format == ExportFormat::Xlsx && !starts_with_zip(out)? {
        return Err(private_sheet());
    }
    Ok(format)
}

fn starts_with_zip(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 2];
    let n = std::fs::File::open(path)?.read(&mut head)?;
    Ok(n == 2 && head == *b"PK")
}

fn private_sheet() -> ConnectorError {
    ConnectorError::Auth(
        "the sheet is not shared by link: in Google Sheets choose Share → General access → \
         \"Anyone with the link\", then connect it again"
            .into(),
    )
}

fn not_shared(err: ConnectorError) -> ConnectorError {
    match err {
        ConnectorError::Auth(_) => private_sheet(),
        ConnectorError::Unreachable(m) if m.contains("404") => ConnectorError::Invalid(
            "no spreadsheet has this link; check that it was copied whole".into(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_links_give_id_and_tab() {
        let r = parse_sheet_url(
            "https://docs.google.com/spreadsheets/d/1AbC_dEf-123456789/edit#gid=42",
        )
        .unwrap();
        assert_eq!(r.spreadsheet_id, "1AbC_dEf-123456789");
        assert_eq!(r.gid.as_deref(), Some("42"));
        let r = parse_sheet_url(
            "https://docs.google.com/spreadsheets/u/0/d/1AbC_dEf-123456789/edit?gid=7",
        )
        .unwrap();
        assert_eq!(r.gid.as_deref(), Some("7"));
        assert_eq!(parse_sheet_url("1AbC_dEf-123456789").unwrap().gid, None);
        for bad in [
            "https://example.com/file.csv",
            "not a link",
            "https://docs.google.com/spreadsheets/d/x/edit",
        ] {
            assert!(parse_sheet_url(bad).is_err(), "{bad}");
        }
    }
}
