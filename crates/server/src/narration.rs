//! Insight narration: the configured language model words the top findings
//! of a source's insights report. `nlq::llm::narrate` checks every number of
//! the text against the findings; here the caller's token budget is checked
//! and charged, and the result is kept per snapshot version and model.

use crate::error::{ApiError, ApiResult};
use crate::nl::{budget_exceeded, record_usage, Caller};
use crate::state::AppState;
use engine::insights::InsightReport;
use nlq::llm::narrate::{self, Fact, NarrateError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::DataSource;
use utoipa::ToSchema;

/// A summary of the insights.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Narration {
    /// `narrated`, `dropped` (the model's text had numbers that are not in
    /// the findings, so it is not shown) or `empty` (no findings to word).
    pub status: String,
    pub text: Option<String>,
    /// Why there is no text.
    pub reason: Option<String>,
    pub model: String,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Whether this summary was written before for the same snapshot (no new tokens).
    pub cached: bool,
}

const NARRATION_TTL: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

pub async fn narrate(
    state: &AppState,
    caller: Caller,
    source: &DataSource,
    report: &InsightReport,
) -> ApiResult<Narration> {
    let Some(llm) = state.llm.as_deref() else {
        return Err(crate::nl::AskError::LlmNotConfigured.into());
    };
    let key = cache_key(llm.model(), source);
    if let Some(bytes) = state.cache.get(&key).await {
        if let Ok(mut cached) = serde_json::from_slice::<Narration>(&bytes) {
            cached.cached = true;
            cached.prompt_tokens = 0;
            cached.completion_tokens = 0;
            return Ok(cached);
        }
    }
    let mut narration = Narration {
        status: "empty".into(),
        text: None,
        reason: None,
        model: llm.model().to_string(),
        prompt_tokens: 0,
        completion_tokens: 0,
        cached: false,
    };
    let facts: Vec<Fact<'_>> = report
        .insights
        .iter()
        .map(|i| Fact {
            title: &i.title,
            explanation: &i.explanation,
            numbers: &i.numbers,
        })
        .collect();
    if facts.is_empty() {
        narration.reason = Some("there are no findings to summarize".into());
        return Ok(narration);
    }
    if let Some(refusal) = budget_exceeded(state, caller).await? {
        return Err(refusal.into());
    }
    let outcome = narrate::narrate(llm, &source.name, &facts).await;
    let usage = match &outcome {
        Ok(n) => n.usage,
        Err(e) => e.usage(),
    };
    record_usage(
        state,
        caller,
        None,
        usage.prompt_tokens,
        usage.completion_tokens,
    )
    .await?;
    narration.prompt_tokens = usage.prompt_tokens;
    narration.completion_tokens = usage.completion_tokens;
    match outcome {
        Ok(n) => {
            narration.status = "narrated".into();
            narration.text = Some(n.text);
        }
        Err(NarrateError::Dropped { problem, .. }) => {
            tracing::info!(%problem, "insight narration dropped");
            narration.status = "dropped".into();
            narration.reason = Some(format!("the AI's summary was not shown because {problem}"));
        }
        Err(NarrateError::Unavailable { error, .. }) => {
            return Err(ApiError::Unavailable {
                code: "llm_unavailable",
                message: format!("{error}; the findings below are complete without it"),
            })
        }
    }
    if let Ok(bytes) = serde_json::to_vec(&narration) {
        state.cache.set(&key, bytes.into(), NARRATION_TTL).await;
    }
    Ok(narration)
}

fn cache_key(model: &str, source: &DataSource) -> String {
    let model = hex::encode(&Sha256::digest(model.as_bytes())[..8]);
    format!("narration:{}:{}:{model}", source.id, source.version)
}
