//! `insightiq eval DIR`: answers every question of a set in the shared eval
//! format (honouring each item's `today`) with the chosen engine, writes
//! predictions as `score.py` reads them, and prints accuracy and wrong-answer
//! rate by the same rules, and the median seconds per question.

use super::score::{score, Item, Prediction, Summary};
use super::{parse_day, Asker, EngineArgs, LocalAnswer, LocalTable};
use clap::Args;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// A folder with `questions.jsonl` and `tables/`.
    pub dir: PathBuf,
    /// Where to write predictions (JSON lines).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print this many misses with the gold answer and what was predicted.
    #[arg(long, default_value_t = 0)]
    pub show_misses: usize,
    /// Answer only the first N questions.
    #[arg(long)]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Predictions, the engine that answered each (`None`: no answer), and the
/// seconds each question took.
pub struct Predicted {
    pub items: Vec<Item>,
    pub predictions: Vec<Prediction>,
    pub engines: Vec<Option<domain::NlEngine>>,
    pub seconds: Vec<f64>,
}

/// Answers the first `limit` items (all when `None`), in question order.
pub async fn predict(
    dir: &std::path::Path,
    asker: &Asker,
    limit: Option<usize>,
) -> anyhow::Result<Predicted> {
    let text = std::fs::read_to_string(dir.join("questions.jsonl"))?;
    let items: Vec<Item> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(limit.unwrap_or(usize::MAX))
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let work = tempfile::tempdir()?;
    let sandbox = engine::Sandbox::new(engine::SandboxLimits::default())?;
    let mut tables: HashMap<String, Result<LocalTable, String>> = HashMap::new();
    let mut predictions = Vec::with_capacity(items.len());
    let mut engines = Vec::with_capacity(items.len());
    let mut seconds = Vec::with_capacity(items.len());
    for item in &items {
        if !tables.contains_key(&item.table) {
            let path = dir.join("tables").join(&item.table);
            let loaded = LocalTable::load(&sandbox, &path, work.path())
                .await
                .map_err(|e| format!("ingest failed: {e}"));
            tables.insert(item.table.clone(), loaded);
        }
        let table = match &tables[&item.table] {
            Ok(t) => t,
            Err(e) => {
                predictions.push(Prediction::error(&item.id, e));
                engines.push(None);
                continue;
            }
        };
        let today = item
            .today
            .as_deref()
            .and_then(|d| parse_day(d).ok())
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        let started = Instant::now();
        let (prediction, engine) = match table.answer(&sandbox, asker, &item.question, today).await
        {
            Ok(LocalAnswer::Clarify { message, .. }) => {
                (Prediction::abstained(&item.id, &message), None)
            }
            Ok(LocalAnswer::Answered {
                sql,
                result,
                engine,
                interpretation,
                ..
            }) => (
                Prediction::answer(&item.id, &result, &sql)
                    .answered_by(engine, interpretation.map(|i| i.1)),
                Some(engine),
            ),
            Err(e) => (Prediction::error(&item.id, &e.to_string()), None),
        };
        seconds.push(started.elapsed().as_secs_f64());
        predictions.push(prediction);
        engines.push(engine);
    }
    Ok(Predicted {
        items,
        predictions,
        engines,
        seconds,
    })
}

pub async fn run(args: EvalArgs) -> anyhow::Result<()> {
    let asker = Asker::new(&args.engine)?;
    let started = Instant::now();
    let Predicted {
        items,
        predictions,
        engines,
        mut seconds,
    } = predict(&args.dir, &asker, args.limit).await?;
    if let Some(out) = &args.out {
        let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
        for p in &predictions {
            writeln!(file, "{}", serde_json::to_string(p)?)?;
        }
    }
    let summary: Summary = score(&items, &predictions);
    for (item, prediction) in summary.misses.iter().take(args.show_misses) {
        println!(
            "{}",
            serde_json::json!({ "id": item.id, "question": item.question, "gold": item.answer, "got": prediction })
        );
    }
    println!("{summary}");
    for (level, (right, total)) in &summary.by_level {
        println!(
            "level {level}: {right}/{total} = {:.3}",
            *right as f64 / *total as f64
        );
    }
    // Which engine gave the right and the wrong answers (telling for `auto`).
    for engine in [domain::NlEngine::Rules, domain::NlEngine::Llm] {
        let (answered, by): (Vec<Item>, Vec<Prediction>) = items
            .iter()
            .zip(&predictions)
            .zip(&engines)
            .filter(|(_, e)| **e == Some(engine))
            .map(|((i, p), _)| (i.clone(), p.clone()))
            .unzip();
        if !answered.is_empty() {
            let part = score(&answered, &by);
            println!(
                "answered by {engine}: {} right, {} wrong",
                part.right, part.wrong
            );
        }
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds.get(seconds.len() / 2).copied().unwrap_or(0.0);
    eprintln!(
        "{} questions in {:.1} s (engine {}, median {median:.2} s per question)",
        items.len(),
        started.elapsed().as_secs_f64(),
        asker.engine,
    );
    Ok(())
}
