//! Which engine answers: `rules` (offline), `llm`, or `auto` — the rules
//! engine when it is confident, otherwise the LLM when one is configured,
//! otherwise the rules engine's clarification. In `auto` the model's answer is
//! given only when a second, independent reading of the question (see
//! `llm::second_opinion`) comes to the same rows; otherwise `auto` says it is
//! not sure. The server, `insightiq ask` and `insightiq eval` all route through here.

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
/// the LLM reply accepted before for the same question on the same data;
/// `rows` reads the result rows out of what `run` returns (to compare readings).
#[allow(clippy::too_many_arguments)]
pub async fn route<T, E, F, Fut>(
    choice: NlEngine,
    llm: Option<&LlmClient>,
    schema: &Schema,
    ctx: &Context,
    prompt: &PromptInput<'_>,
    remembered: Option<LlmReply>,
    mut run: F,
    rows: fn(&T) -> &[Vec<serde_json::Value>],
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
    // `auto` answers only what it is sure of: no empty answers, and two readings agree.
    let strict = (choice == NlEngine::Auto).then_some(rows);
    let answered = llm::answer(client, prompt, remembered, &mut run, strict).await;
    // A remembered reply was checked when it was first accepted.
    let answered = match answered {
        Ok(answer) if choice == NlEngine::Auto && answer.trace.attempts > 0 => {
            checked(client, prompt, answer, &mut run, rows).await
        }
        other => other,
    };
    match answered {
        Ok(answer) => Ok(Routed::Llm(answer)),
        Err(LlmError::Fatal(e)) => Err(RouteError::Fatal(e)),
        Err(failure) => {
            let (usage, attempts) = failure.spent();
            tracing::warn!(error = %failure, "the LLM could not answer");
            let note = match &failure {
                LlmError::Unsure { .. } => "The AI read it two ways that give different answers, so I am not sure what you mean (two readings disagreed).".to_string(),
                _ => format!("The AI could not answer either ({failure})."),
            };
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

/// `answer` if a second reading of the question gives the same rows; otherwise
/// `LlmError::Unsure` (a clarification), with both readings' tokens counted.
async fn checked<T, E, F, Fut>(
    client: &LlmClient,
    prompt: &PromptInput<'_>,
    mut answer: LlmAnswer<T>,
    run: &mut F,
    rows: fn(&T) -> &[Vec<serde_json::Value>],
) -> Result<LlmAnswer<T>, LlmError<E>>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<T, RunFailure<E>>>,
{
    let second = llm::second_opinion(client, prompt, run, Some(rows)).await;
    let spent = |answer: &LlmAnswer<T>| Usage {
        prompt_tokens: answer.trace.prompt_tokens,
        completion_tokens: answer.trace.completion_tokens,
    };
    let mut usage = spent(&answer);
    let mut attempts = answer.trace.attempts;
    let same = match second {
        Ok(second) => {
            usage += spent(&second);
            attempts += second.trace.attempts;
            crate::agree::results_agree(rows(&answer.output), rows(&second.output))
        }
        Err(LlmError::Fatal(e)) => return Err(LlmError::Fatal(e)),
        // No second answer is no confirmation.
        Err(failed) => {
            let (u, a) = failed.spent();
            usage += u;
            attempts += a;
            false
        }
    };
    if !same {
        return Err(LlmError::Unsure { usage, attempts });
    }
    answer.trace.prompt_tokens = usage.prompt_tokens;
    answer.trace.completion_tokens = usage.completion_tokens;
    answer.trace.attempts = attempts;
    Ok(answer)
}
