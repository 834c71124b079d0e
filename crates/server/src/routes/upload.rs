//! Receiving an upload: the multipart form streamed to a temporary file under
//! the size cap. What becomes of the file is `crate::sources`' business.

use crate::error::{ApiError, ApiResult};
use crate::sources::ReceivedUpload;
use axum::extract::Multipart;
use std::path::Path;
use tokio::io::AsyncWriteExt;

/// Streams the multipart `file` field to a temp file, refusing it with 413 as
/// soon as it passes `max_bytes` (it is never held in memory).
pub async fn receive_upload(
    mut multipart: Multipart,
    temp_dir: &Path,
    max_bytes: u64,
) -> ApiResult<ReceivedUpload> {
    tokio::fs::create_dir_all(temp_dir)
        .await
        .map_err(ApiError::internal)?;
    let mut file: Option<(String, tempfile::TempPath, u64)> = None;
    let mut name = None;
    let mut sheet = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                let file_name = field.file_name().unwrap_or("upload.csv").to_string();
                let temp = tempfile::Builder::new()
                    .prefix("upload-")
                    .tempfile_in(temp_dir)
                    .map_err(ApiError::internal)?
                    .into_temp_path();
                let mut out = tokio::fs::File::create(&temp)
                    .await
                    .map_err(ApiError::internal)?;
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    size += chunk.len() as u64;
                    if size > max_bytes {
                        return Err(too_large(max_bytes));
                    }
                    out.write_all(&chunk).await.map_err(ApiError::internal)?;
                }
                out.flush().await.map_err(ApiError::internal)?;
                file = Some((file_name, temp, size));
            }
            Some("name") => name = Some(field.text().await.map_err(multipart_error)?),
            Some("sheet") => sheet = Some(field.text().await.map_err(multipart_error)?),
            _ => {}
        }
    }
    let Some((file_name, temp, size)) = file else {
        return Err(ApiError::unprocessable(
            "missing_file",
            "send the file as a multipart form field named `file`",
        ));
    };
    Ok(ReceivedUpload {
        file_name,
        name: name.filter(|n| !n.trim().is_empty()),
        sheet: sheet.filter(|s| !s.trim().is_empty()),
        temp,
        size,
    })
}

fn too_large(max_bytes: u64) -> ApiError {
    ApiError::PayloadTooLarge {
        code: "file_too_large",
        message: format!(
            "the file is larger than the {} MB upload limit; split it or raise INSIGHTIQ_MAX_UPLOAD_MB",
            max_bytes / (1024 * 1024)
        ),
    }
}

fn multipart_error(err: axum::extract::multipart::MultipartError) -> ApiError {
    if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge {
            code: "file_too_large",
            message: "the upload is larger than the limit".into(),
        };
    }
    ApiError::bad_request(
        "invalid_multipart",
        format!(
            "the upload is not a valid multipart form: {}",
            err.body_text()
        ),
    )
}
