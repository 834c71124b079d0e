//! Query results as downloadable files (CSV, XLSX, JSON, Parquet). The query is
//! run again in full, so a result cut at the row cap still exports whole.

use crate::error::{ApiError, ApiResult};
use crate::querying::scope_for;
use crate::state::AppState;
use domain::{DataSourceId, UserId};
use engine::export::ExportFormat;
use store::Query;

pub fn parse_format(text: &str) -> ApiResult<ExportFormat> {
    ExportFormat::parse(text).ok_or_else(|| {
        ApiError::unprocessable(
            "invalid_format",
            format!("`{text}` is not an export format; use csv, xlsx, json or parquet"),
        )
    })
}

/// The file for `query` in `format`.
pub async fn export(
    state: &AppState,
    user: UserId,
    query: &Query,
    format: ExportFormat,
) -> ApiResult<Vec<u8>> {
    let sql = query.interpreted_query.clone().ok_or_else(|| {
        ApiError::unprocessable(
            "nothing_to_export",
            "this query has no result to export (it asked for clarification)",
        )
    })?;
    let source_id = query
        .data_source_id
        .map(DataSourceId::from)
        .ok_or_else(|| {
            ApiError::unprocessable(
                "source_deleted",
                "the data source of this query was deleted",
            )
        })?;
    let scope = scope_for(state, user, source_id).await?;
    let batches = state
        .sandbox
        .execute_batches(&scope.tables, Some(&scope.default_table), &sql, None)
        .await?;
    let file =
        tokio::task::spawn_blocking(move || engine::export::export_batches(&batches, format))
            .await
            .map_err(ApiError::internal)??;
    Ok(file)
}
