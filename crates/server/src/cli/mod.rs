//! Command-line tools beside the server: `ask` one question about a file and
//! `eval` a question set. Both use the server's ingest, question and query paths
//! on local files, with no metadata store, and route questions like the server
//! (`--engine rules|llm|auto`, the LLM configured by the same flags).

pub mod ask;
pub mod eval;
pub mod score;

use crate::sources::ingest;
use clap::Args;
use domain::{ColumnName, Interpretation, LlmTrace, NlEngine, SourceSchema};
use engine::{QueryResult, Sandbox, TableRef};
use nlq::llm::{LlmClient, PromptInput, RunFailure};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file ingested into a temporary Parquet snapshot, ready for questions.
pub struct LocalTable {
    pub name: String,
    pub parquet: PathBuf,
    pub schema: nlq::Schema,
    /// The typed schema the LLM is shown.
    pub source: SourceSchema,
    /// Headers and SQL names, so SQL may name columns either way (as on the server).
    pub columns: Arc<[ColumnName]>,
}

impl LocalTable {
    /// Ingests and profiles `file` into `work_dir` through the same code as uploads.
    pub async fn load(sandbox: &Sandbox, file: &Path, work_dir: &Path) -> anyhow::Result<Self> {
        let file_name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("data.csv")
            .to_string();
        let stem = Path::new(&file_name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("data");
        let name = crate::tables::sql_identifier(stem);
        let parquet = work_dir.join(format!("{name}-{}.parquet", uuid::Uuid::new_v4().simple()));
        let ingested = ingest(sandbox, file, &file_name, None, &parquet)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let schema = nlq::Schema::from_source(&ingested.schema, "data");
        Ok(Self {
            name,
            parquet,
            schema,
            columns: ingested.schema.column_names().into(),
            source: ingested.schema,
        })
    }

    /// Runs `sql` with this table registered under its name and as `data`.
    pub async fn run(
        &self,
        sandbox: &Sandbox,
        sql: &str,
    ) -> Result<engine::QueryResult, engine::Error> {
        let tables = [TableRef::new(self.name.clone(), self.parquet.clone())
            .with_columns(self.columns.clone())];
        sandbox.execute(&tables, Some(&self.name), sql).await
    }
}

/// What a question about a local file came to.
pub enum LocalAnswer {
    Answered {
        sql: String,
        engine: NlEngine,
        result: QueryResult,
        /// The rules engine's reading and confidence (boxed: it is large).
        interpretation: Option<Box<(Interpretation, f32)>>,
        /// How the LLM wrote the SQL.
        llm: Option<LlmTrace>,
    },
    Clarify {
        message: String,
        suggestions: Vec<String>,
    },
}

/// Which engine answers, shared by `ask` and `eval`.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// `rules` (offline), `llm`, or `auto` (rules when confident, else the LLM);
    /// default: INSIGHTIQ_NL_ENGINE.
    #[arg(long, value_parser = crate::config::parse_engine)]
    pub engine: Option<NlEngine>,
    /// Show the LLM distinct values of low-cardinality columns (off: only names, types and statistics).
    #[arg(long)]
    pub share_sample_values: bool,
    #[command(flatten)]
    pub llm: crate::config::LlmArgs,
}

/// The engine and the model a command asks with.
pub struct Asker {
    pub engine: NlEngine,
    pub llm: Option<LlmClient>,
    pub share_values: bool,
}

impl Asker {
    /// The offline engine only.
    pub fn rules() -> Self {
        Self {
            engine: NlEngine::Rules,
            llm: None,
            share_values: false,
        }
    }

    pub fn new(args: &EngineArgs) -> anyhow::Result<Self> {
        let llm = match args.llm.config() {
            Some(config) => Some(LlmClient::new(config)?),
            None => None,
        };
        Ok(Self {
            engine: args.engine.unwrap_or(args.llm.nl_engine),
            llm,
            share_values: args.share_sample_values,
        })
    }
}

impl LocalTable {
    /// Answers `question` as the server does (without its memo of LLM
    /// replies: every question asks the model afresh).
    pub async fn answer(
        &self,
        sandbox: &Sandbox,
        asker: &Asker,
        question: &str,
        today: chrono::NaiveDate,
    ) -> anyhow::Result<LocalAnswer> {
        let prompt = PromptInput {
            question,
            schema: &self.source,
            today,
            time_zone: "UTC",
            share_values: asker.share_values,
        };
        let run = |sql: String| async move {
            self.run(sandbox, &sql).await.map_err(|e| {
                if e.is_user_error() {
                    RunFailure::Repairable(e.to_string())
                } else {
                    RunFailure::Fatal(e)
                }
            })
        };
        let ctx = nlq::Context { today };
        let routed = nlq::route(
            asker.engine,
            asker.llm.as_ref(),
            &self.schema,
            &ctx,
            &prompt,
            None,
            run,
            result_rows,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(match routed {
            nlq::Routed::Rules {
                sql,
                interpretation,
                confidence,
            } => {
                let result = self
                    .run(sandbox, &sql)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e} (SQL: {sql})"))?;
                LocalAnswer::Answered {
                    sql,
                    engine: NlEngine::Rules,
                    result,
                    interpretation: Some(Box::new((interpretation, confidence))),
                    llm: None,
                }
            }
            nlq::Routed::Llm(answer) => LocalAnswer::Answered {
                sql: answer.reply.sql,
                engine: NlEngine::Llm,
                result: answer.output,
                interpretation: None,
                llm: Some(answer.trace),
            },
            nlq::Routed::Clarify {
                message,
                suggestions,
                ..
            } => LocalAnswer::Clarify {
                message,
                suggestions,
            },
        })
    }
}

/// The rows of a result, which `auto` compares between two readings of a question.
fn result_rows(result: &QueryResult) -> &[Vec<serde_json::Value>] {
    &result.rows
}

/// Parses `--today` (`YYYY-MM-DD`).
pub fn parse_day(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}
