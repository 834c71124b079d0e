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

/// Reads the result rows out of what `run` returned, to refuse an empty answer.
pub type RowsOf<T> = fn(&T) -> &[Vec<serde_json::Value>];

/// No rows, or one row of nothing but zeros and nulls: on every question set this was
/// a filter that matched nothing (a value spelled otherwise than in the data, a date
/// outside the table's range), never the answer.
pub fn is_empty_answer(rows: &[Vec<serde_json::Value>]) -> bool {
    match rows {
        [] => true,
        [row] => row.iter().all(|v| v.is_null() || v.as_f64() == Some(0.0)),
        _ => false,
    }
}

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
    /// Two independent readings of the question gave different answers (`auto`
    /// gives neither).
    #[error(
        "two readings of the question gave different answers, so it is not clear what was meant"
    )]
    Unsure { usage: Usage, attempts: u32 },
    #[error("{0}")]
    Fatal(E),
}

impl<E> LlmError<E> {
    /// The tokens and requests spent before the model gave up (none for `Fatal`).
    pub fn spent(&self) -> (Usage, u32) {
        match self {
            LlmError::Unavailable {
                usage, attempts, ..
            }
            | LlmError::NoAnswer {
                usage, attempts, ..
            }
            | LlmError::Declined {
                usage, attempts, ..
            }
            | LlmError::Unsure { usage, attempts } => (*usage, *attempts),
            LlmError::Fatal(_) => (Usage::default(), 0),
        }
    }
}

/// Asks the model for SQL answering `input.question`, runs each reply with
/// `run`, and repairs failures up to [`MAX_REPAIRS`] times. A `remembered`
/// reply (the one accepted for the same question on the same data) is tried
/// first and costs no tokens. With `refuse_empty`, an empty answer (see
/// [`is_empty_answer`]) is sent back for repair like an error.
pub async fn answer<T, E, F, Fut>(
    client: &LlmClient,
    input: &PromptInput<'_>,
    remembered: Option<LlmReply>,
    mut run: F,
    refuse_empty: Option<RowsOf<T>>,
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
    converse(client, prompt::messages(input), run, refuse_empty).await
}

/// A second, independent reading of `input.question` (see
/// `prompt::second_opinion_messages`), with the same repair loop, for checking an
/// answer before it is given.
pub async fn second_opinion<T, E, F, Fut>(
    client: &LlmClient,
    input: &PromptInput<'_>,
    run: F,
    refuse_empty: Option<RowsOf<T>>,
) -> Result<LlmAnswer<T>, LlmError<E>>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<T, RunFailure<E>>>,
{
    converse(
        client,
        prompt::second_opinion_messages(input),
        run,
        refuse_empty,
    )
    .await
}

/// Sends `messages`, runs each reply's SQL and repairs failures up to [`MAX_REPAIRS`] times.
async fn converse<T, E, F, Fut>(
    client: &LlmClient,
    mut messages: Vec<Message>,
    mut run: F,
    refuse_empty: Option<RowsOf<T>>,
) -> Result<LlmAnswer<T>, LlmError<E>>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<T, RunFailure<E>>>,
{
    let schema = prompt::reply_schema();
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
                Ok(output) if refuse_empty.is_some_and(|rows| is_empty_answer(rows(&output))) => {
                    EMPTY_ANSWER.to_string()
                }
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

/// What an empty answer is sent back with.
const EMPTY_ANSWER: &str = "the query ran but returned no rows, or only zeros and nulls. A filter probably matches nothing: \
     check how values are spelled in the data (compare text with ILIKE '%word%'), that dates fall within the column's min and max, \
     and that you used the right columns";

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

#[cfg(test)]
mod tests {
    use super::is_empty_answer;
    use serde_json::json;

    #[test]
    fn empty_answers_are_no_rows_or_one_row_of_nothing() {
        assert!(is_empty_answer(&[]));
        assert!(is_empty_answer(&[vec![json!(0)]]));
        assert!(is_empty_answer(&[vec![json!(null), json!(0.0)]]));
        assert!(!is_empty_answer(&[vec![json!(3)]]));
        assert!(!is_empty_answer(&[vec![json!("Paris"), json!(0)]]));
        assert!(!is_empty_answer(&[vec![json!(0)], vec![json!(0)]]));
    }
}
