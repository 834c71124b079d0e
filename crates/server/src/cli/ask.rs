//! `insightiq ask FILE "question"`: ingest a file, answer one question (with
//! `--engine rules|llm|auto`), print the table, the SQL and how it was read
//! (or JSON with `--json`).

use super::{parse_day, Asker, EngineArgs, LocalAnswer, LocalTable};
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct AskArgs {
    /// A .csv, .tsv, .txt, .xlsx or .json file.
    pub file: PathBuf,
    /// The question, in plain English.
    pub question: String,
    /// Print JSON: {sql, engine, interpretation, confidence, llm, columns, rows} or
    /// {abstained: true, message, suggestions}.
    #[arg(long)]
    pub json: bool,
    /// The date relative expressions ("last quarter") resolve against (default: today).
    #[arg(long, value_parser = parse_day)]
    pub today: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

pub async fn run(args: AskArgs) -> anyhow::Result<()> {
    let asker = Asker::new(&args.engine)?;
    let work = tempfile::tempdir()?;
    let sandbox = engine::Sandbox::new(engine::SandboxLimits::default())?;
    let table = LocalTable::load(&sandbox, &args.file, work.path()).await?;
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    match table
        .answer(&sandbox, &asker, &args.question, today)
        .await?
    {
        LocalAnswer::Clarify {
            message,
            suggestions,
        } => {
            if args.json {
                println!(
                    "{}",
                    json!({ "abstained": true, "message": message, "suggestions": suggestions })
                );
            } else {
                println!("{message}");
                for s in suggestions {
                    println!("  - {s}");
                }
            }
        }
        LocalAnswer::Answered {
            sql,
            engine,
            result,
            interpretation,
            llm,
        } => {
            if args.json {
                let (interpretation, confidence) = interpretation.map(|b| *b).unzip();
                println!(
                    "{}",
                    json!({ "sql": sql, "engine": engine, "interpretation": interpretation,
                        "confidence": confidence, "llm": llm,
                        "columns": result.columns, "rows": result.rows })
                );
                return Ok(());
            }
            match (&interpretation, &llm) {
                (Some(reading), _) => println!("{}\n", reading.0.summary),
                (None, Some(trace)) => println!("{}\n", trace.explanation),
                (None, None) => {}
            }
            print_table(&result);
            println!("\nSQL: {sql}\nengine: {engine}");
            if let Some(reading) = interpretation {
                let confidence = reading.1;
                println!("confidence: {confidence:.2}");
            }
            if let Some(trace) = llm {
                for assumption in &trace.assumptions {
                    println!("assumed: {assumption}");
                }
                println!(
                    "model: {}, {} attempt(s), {} prompt + {} completion tokens",
                    trace.model, trace.attempts, trace.prompt_tokens, trace.completion_tokens
                );
            }
        }
    }
    Ok(())
}

/// A plain aligned text table (at most 50 rows).
fn print_table(result: &engine::QueryResult) {
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let header: Vec<String> = result.columns.iter().map(|c| c.name.clone()).collect();
    let rows: Vec<Vec<String>> = result
        .rows
        .iter()
        .take(50)
        .map(|r| r.iter().map(cell).collect())
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    println!("{}", line(&header));
    println!(
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-")
    );
    for r in &rows {
        println!("{}", line(r));
    }
    if result.row_count as usize > rows.len() {
        println!("… {} rows in all", result.row_count);
    }
}
