//! Which engine answers: `rules` (offline), `llm`, or `auto` — the rules
//! engine when it is confident, otherwise the LLM when one is configured,
//! otherwise the rules engine's clarification. The server, `insightiq ask`
//! and `insightiq eval` all route through here.

use std::future::Future;

use domain::NlEngine;

use crate::llm::{self, LlmAnswer, LlmClient, LlmError, LlmReply, PromptInput, RunFailure, Usage};
use crate::{Answer, Context, Interpretation, Schema};

/// How a question was answered.
#[derive(Debug)]
pub enum Routed<T> {
    /// The rules engine wrote `sql`; the caller runs it.
    Rules {
        sql: String,
        interpretation: Interpretation,
        confidence: f32,
    },
    /// The LLM wrote SQL that ran (`answer.output` is what `run` returned).
    Llm(LlmAnswer<T>),
    /// Neither could answer. `engine` is the one that asked back; `usage` and
    /// `attempts` are what failed LLM requests cost.
    Clarify {
        message: String,
        suggestions: Vec<String>,
        engine: NlEngine,
        usage: Usage,
        attempts: u32,
    },
}

/// Why routing stopped.
#[derive(Debug, thiserror::Error)]
pub enum RouteError<E> {
    #[error("no language model is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI's), or ask with the rules engine")]
    LlmNotConfigured,
    #[error("{0}")]
    Fatal(E),
}

/// Answers `prompt.question` with the chosen engine. `run` executes SQL the
/// LLM writes (rules SQL is returned for the caller to run); `remembered` is
/// the LLM reply accepted before for the same question on the same data.
pub async fn route<T, E, F, Fut>(
    choice: NlEngine,
    llm: Option<&LlmClient>,
    schema: &Schema,
    ctx: &Context,
    prompt: &PromptInput<'_>,
    remembered: Option<LlmReply>,
    run: F,
) -> Result<Routed<T>, RouteError<E>>
where
    E: std::fmt::Display,
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<T, RunFailure<E>>>,
{
    let rules = match choice {
        NlEngine::Llm => None,
        NlEngine::Rules | NlEngine::Auto => Some(crate::answer(prompt.question, schema, ctx)),
    };
    let (message, suggestions) = match rules {
        Some(Answer::Sql {
            sql,
            interpretation,
            confidence,
        }) => {
            return Ok(Routed::Rules {
                sql,
                interpretation,
                confidence,
            })
        }
        Some(Answer::Clarify {
            message,
            suggestions,
        }) => (message, suggestions),
        None => (String::new(), crate::suggest_questions(schema)),
    };
    let client = match (choice, llm) {
        (NlEngine::Rules, _) | (NlEngine::Auto, None) => {
            return Ok(Routed::Clarify {
                message,
                suggestions,
                engine: NlEngine::Rules,
                usage: Usage::default(),
                attempts: 0,
            })
        }
        (NlEngine::Llm, None) => return Err(RouteError::LlmNotConfigured),
        (_, Some(client)) => client,
    };
    match llm::answer(client, prompt, remembered, run).await {
        Ok(answer) => Ok(Routed::Llm(answer)),
        Err(LlmError::Fatal(e)) => Err(RouteError::Fatal(e)),
        Err(failure) => {
            let (usage, attempts) = match &failure {
                LlmError::Unavailable {
                    usage, attempts, ..
                }
                | LlmError::NoAnswer {
                    usage, attempts, ..
                }
                | LlmError::Declined {
                    usage, attempts, ..
                } => (*usage, *attempts),
                LlmError::Fatal(_) => (Usage::default(), 0),
            };
            tracing::warn!(error = %failure, "the LLM could not answer");
            let note = format!("The AI could not answer either ({failure}).");
            let message = if message.is_empty() {
                format!("I could not answer that. {note}")
            } else {
                format!("{message} {note}")
            };
            Ok(Routed::Clarify {
                message,
                suggestions,
                engine: NlEngine::Llm,
                usage,
                attempts,
            })
        }
    }
}
