//! `/api/v1/stats`: the dashboard counters and usage over the last 30 days,
//! language-model tokens included.

use crate::auth::CurrentUser;
use crate::error::{ApiResult, Json};
use crate::sources::all_sources;
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(dashboard))
        .routes(routes!(usage))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Activity {
    /// `upload`, `query` or `sync`.
    pub kind: &'static str,
    pub title: String,
    /// Where the web app shows it.
    pub link: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub data_sources_count: i64,
    pub queries_count: i64,
    pub queries_this_month: i64,
    /// Data sources queried in the last 30 days.
    pub active_datasets: i64,
    /// Originals plus snapshots.
    pub storage_used_bytes: i64,
    pub storage_limit_bytes: u64,
    /// Uploads, queries and syncs, newest first.
    pub recent_activity: Vec<Activity>,
}

/// Counters, storage and recent activity for the caller.
#[utoipa::path(get, path = "/api/v1/stats/dashboard", tag = "statistics",
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = Dashboard)))]
async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Dashboard>> {
    let now = Utc::now();
    let stats = state.store.user_stats(user.id(), now).await?;
    let mut activity: Vec<Activity> = state
        .store
        .recent_queries(user.id(), 10)
        .await?
        .into_iter()
        .map(|q| Activity {
            kind: "query",
            title: q.query_text.chars().take(120).collect(),
            link: format!("/queries/{}", q.id),
            created_at: q.created_at,
        })
        .collect();
    let sources = state
        .store
        .list_data_sources(user.id(), store::Page::new(Some(1), Some(10)))
        .await?;
    for s in sources.items {
        activity.push(Activity {
            kind: "upload",
            title: format!("Added {}", s.name),
            link: format!("/data-sources/{}", s.id),
            created_at: s.created_at,
        });
        if let Some(synced) = s.last_synced_at.filter(|t| *t > s.created_at) {
            activity.push(Activity {
                kind: "sync",
                title: format!("Synced {}", s.name),
                link: format!("/data-sources/{}", s.id),
                created_at: synced,
            });
        }
    }
    activity.sort_by_key(|a| std::cmp::Reverse(a.created_at));
    activity.truncate(10);
    Ok(Json(Dashboard {
        data_sources_count: stats.data_sources_count,
        queries_count: stats.queries_count,
        queries_this_month: stats.queries_this_month,
        active_datasets: stats.active_datasets,
        storage_used_bytes: stats.storage_used_bytes,
        storage_limit_bytes: state.settings.storage_limit_bytes,
        recent_activity: activity,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayCount {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub natural_language: i64,
    pub sql: i64,
    pub aggregation: i64,
    /// Language-model tokens spent that day.
    pub llm_prompt_tokens: i64,
    pub llm_completion_tokens: i64,
}

/// The caller's language-model usage against the daily allowance.
#[derive(Debug, Serialize, ToSchema)]
pub struct LlmUsage {
    /// Whether this server has a language model configured.
    pub configured: bool,
    pub model: Option<String>,
    /// Tokens (prompt plus completion) spent since midnight UTC.
    pub tokens_today: i64,
    /// Tokens allowed per UTC day (0: no limit).
    pub daily_token_budget: u64,
    /// Tokens over the last 30 days.
    pub prompt_tokens_30d: i64,
    pub completion_tokens_30d: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceUsage {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    pub name: String,
    pub queries: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceStorage {
    #[schema(value_type = String, format = Uuid)]
    pub id: domain::DataSourceId,
    pub name: String,
    pub bytes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    /// Every day of the last 30, oldest first, zeros included.
    pub queries_per_day: Vec<DayCount>,
    pub avg_execution_ms: f64,
    pub p95_execution_ms: i64,
    pub top_data_sources: Vec<SourceUsage>,
    pub storage_by_source: Vec<SourceStorage>,
    pub llm: LlmUsage,
}

/// Queries and language-model tokens per day, execution times, most-queried
/// sources, storage by source, and the day's AI allowance.
#[utoipa::path(get, path = "/api/v1/stats/usage", tag = "statistics",
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = Usage)))]
async fn usage(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Usage>> {
    let now = Utc::now();
    let first_day = (now - Duration::days(29)).date_naive();
    let since = first_day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut days: BTreeMap<String, DayCount> = (0..30)
        .map(|i| {
            let day = (first_day + Duration::days(i))
                .format("%Y-%m-%d")
                .to_string();
            (
                day.clone(),
                DayCount {
                    day,
                    natural_language: 0,
                    sql: 0,
                    aggregation: 0,
                    llm_prompt_tokens: 0,
                    llm_completion_tokens: 0,
                },
            )
        })
        .collect();
    for row in state.store.daily_query_counts(user.id(), since).await? {
        if let Some(day) = days.get_mut(&row.day) {
            match row.query_type.as_str() {
                "natural_language" => day.natural_language += row.count,
                "sql" => day.sql += row.count,
                _ => day.aggregation += row.count,
            }
        }
    }
    let today = now.format("%Y-%m-%d").to_string();
    let mut llm = LlmUsage {
        configured: state.llm.is_some(),
        model: state.llm.as_ref().map(|l| l.model().to_string()),
        tokens_today: 0,
        daily_token_budget: state.settings.llm_daily_tokens_per_user,
        prompt_tokens_30d: 0,
        completion_tokens_30d: 0,
    };
    for row in state.store.daily_llm_tokens(user.id(), since).await? {
        if row.day == today {
            llm.tokens_today = row.prompt_tokens + row.completion_tokens;
        }
        llm.prompt_tokens_30d += row.prompt_tokens;
        llm.completion_tokens_30d += row.completion_tokens;
        if let Some(day) = days.get_mut(&row.day) {
            day.llm_prompt_tokens = row.prompt_tokens;
            day.llm_completion_tokens = row.completion_tokens;
        }
    }
    let times = state.store.execution_times(user.id(), since).await?;
    let avg = if times.is_empty() {
        0.0
    } else {
        times.iter().sum::<i64>() as f64 / times.len() as f64
    };
    let p95 = percentile(&times, 0.95);
    let top = state
        .store
        .query_counts_by_source(user.id(), 5)
        .await?
        .into_iter()
        .map(|s| SourceUsage {
            id: s.data_source_id,
            name: s.name,
            queries: s.queries,
        })
        .collect();
    let mut storage: Vec<SourceStorage> = all_sources(&state, user.id())
        .await?
        .into_iter()
        .map(|s| SourceStorage {
            id: s.id,
            name: s.name,
            bytes: s.storage_bytes,
        })
        .collect();
    storage.sort_by_key(|s| std::cmp::Reverse(s.bytes));
    Ok(Json(Usage {
        queries_per_day: days.into_values().collect(),
        avg_execution_ms: avg,
        p95_execution_ms: p95,
        top_data_sources: top,
        storage_by_source: storage,
        llm,
    }))
}

/// Nearest-rank percentile of ascending `sorted` values (0 when empty).
fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    #[test]
    fn nearest_rank_percentile() {
        assert_eq!(super::percentile(&[], 0.95), 0);
        assert_eq!(super::percentile(&[7], 0.95), 7);
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(super::percentile(&v, 0.95), 95);
    }
}
