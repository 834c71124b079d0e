//! The LLM path: an OpenAI-compatible model writes the SQL for questions the
//! rules engine cannot ground. This module builds the prompt, calls the model,
//! reads the reply and sends failed SQL back for repair. Like the rules engine
//! it executes nothing: the caller passes `run`, which runs the SQL in its
//! sandbox and says whether it worked.
//!
//! ```text
//! answer(client, input, remembered, run) -> Ok(LlmAnswer { reply: { sql, chart, explanation, assumptions }, output, trace })
//!                             | Err(LlmError::Unavailable | NoAnswer | Fatal)
//! narrate::narrate(client, table, facts) -> a summary whose every number is a fact's
//! ```

mod client;
pub mod narrate;
pub mod prompt;
pub mod reply;

use std::future::Future;

use domain::LlmTrace;

pub use client::{ChatError, Completion, LlmClient, LlmConfig, Message, Usage};
pub use prompt::PromptInput;
pub use reply::LlmReply;

/// Failed SQL is sent back at most this many times.
pub const MAX_REPAIRS: u32 = 2;

/// A question the model answered with SQL that ran.
#[derive(Debug, Clone)]
pub struct LlmAnswer<T> {
    /// The accepted reply (what to remember for the same question).
    pub reply: LlmReply,
    /// What the caller's `run` returned for `reply.sql`.
    pub output: T,
    /// How it was obtained: `attempts` 0 and no tokens for a remembered reply.
    pub trace: LlmTrace,
}

/// What `run` says of SQL that did not work.
#[derive(Debug)]
pub enum RunFailure<E> {
    /// The SQL was refused or failed (unknown column, syntax, not a SELECT, …):
    /// the message goes back to the model.
    Repairable(String),
    /// Something the model cannot fix (the store is down): stop.
    Fatal(E),
}

/// Why the model gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum LlmError<E> {
    #[error("{error}")]
    Unavailable {
        error: ChatError,
        usage: Usage,
        attempts: u32,
    },
    /// Every reply failed; `problem` is what went wrong with the last one.
    #[error("the language model's SQL did not work: {problem}")]
    NoAnswer {
        problem: String,
        usage: Usage,
        attempts: u32,
    },
    /// The model said the table cannot answer the question (`reason`: why).
    #[error("the table cannot answer that{}", if reason.is_empty() { String::new() } else { format!(": {reason}") })]
    Declined {
        reason: String,
        usage: Usage,
        attempts: u32,
    },
    #[error("{0}")]
    Fatal(E),
}

/// Asks the model for SQL answering `input.question`, runs each reply with
/// `run`, and repairs failures up to [`MAX_REPAIRS`] times. A `remembered`
/// reply (the one accepted for the same question on the same data) is tried
/// first and costs no tokens.
pub async fn answer<T, E, F, Fut>(
    client: &LlmClient,
    input: &PromptInput<'_>,
    remembered: Option<LlmReply>,
    mut run: F,
) -> Result<LlmAnswer<T>, LlmError<E>>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<T, RunFailure<E>>>,
{
    if let Some(reply) = remembered {
        match run(reply.sql.clone()).await {
            Ok(output) => return Ok(accepted(client, reply, output, Usage::default(), 0)),
            Err(RunFailure::Fatal(e)) => return Err(LlmError::Fatal(e)),
            Err(RunFailure::Repairable(_)) => {}
        }
    }
    let schema = prompt::reply_schema();
    let mut messages = prompt::messages(input);
    let mut usage = Usage::default();
    let mut problem = String::new();
    for attempts in 1..=MAX_REPAIRS + 1 {
        let completion = match client.complete(&messages, &schema).await {
            Ok(c) => c,
            Err(error) => {
                return Err(LlmError::Unavailable {
                    error,
                    usage,
                    attempts: attempts - 1,
                })
            }
        };
        usage += completion.usage;
        problem = match reply::parse(&completion.content) {
            Ok(reply) if reply.declines() => {
                return Err(LlmError::Declined {
                    reason: reply.explanation,
                    usage,
                    attempts,
                })
            }
            Ok(reply) => match run(reply.sql.clone()).await {
                Ok(output) => return Ok(accepted(client, reply, output, usage, attempts)),
                Err(RunFailure::Fatal(e)) => return Err(LlmError::Fatal(e)),
                Err(RunFailure::Repairable(problem)) => problem,
            },
            Err(problem) => problem,
        };
        tracing::info!(attempts, %problem, "LLM reply did not work; asking for a repair");
        messages.push(Message::assistant(completion.content));
        messages.push(prompt::repair_message(&problem));
    }
    Err(LlmError::NoAnswer {
        problem,
        usage,
        attempts: MAX_REPAIRS + 1,
    })
}

fn accepted<T>(
    client: &LlmClient,
    reply: LlmReply,
    output: T,
    usage: Usage,
    attempts: u32,
) -> LlmAnswer<T> {
    LlmAnswer {
        trace: LlmTrace {
            model: client.model().to_string(),
            explanation: reply.explanation.clone(),
            assumptions: reply.assumptions.clone(),
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
            attempts,
        },
        reply,
        output,
    }
}
