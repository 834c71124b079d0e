//! `insightiq ask FILE "question"`: ingest a file, answer one question, print
//! the table, the SQL and the interpretation (or JSON with `--json`).

use super::{parse_day, LocalTable};
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct AskArgs {
    /// A .csv, .tsv, .txt, .xlsx or .json file.
    pub file: PathBuf,
    /// The question, in plain English.
    pub question: String,
    /// Print JSON: {sql, interpretation, engine, confidence, columns, rows} or
    /// {abstained: true, message, suggestions}.
    #[arg(long)]
    pub json: bool,
    /// The date relative expressions ("last quarter") resolve against (default: today).
    #[arg(long, value_parser = parse_day)]
    pub today: Option<chrono::NaiveDate>,
}

pub async fn run(args: AskArgs) -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let sandbox = engine::Sandbox::new(engine::SandboxLimits::default())?;
    let table = LocalTable::load(&sandbox, &args.file, work.path()).await?;
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    match nlq::answer(&args.question, &table.schema, &nlq::Context { today }) {
        nlq::Answer::Clarify {
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
        nlq::Answer::Sql {
            sql,
            interpretation,
            confidence,
        } => {
            let result = table.run(&sandbox, &sql).await?;
            if args.json {
                println!(
                    "{}",
                    json!({ "sql": sql, "interpretation": interpretation, "engine": "rules",
                        "confidence": confidence, "columns": result.columns, "rows": result.rows })
                );
            } else {
                println!("{}\n", interpretation.summary);
                print_table(&result);
                println!("\nSQL: {sql}\nconfidence: {confidence:.2}");
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
