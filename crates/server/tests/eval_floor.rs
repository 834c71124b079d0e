//! Accuracy floors on the shared question sets, measured through the same path as
//! `insightiq eval` (real ingest, the offline engine, the sandbox), and a check
//! that our scorer agrees with the reference `score.py`.

use server::cli::eval::{predict, Predicted};
use server::cli::score::score;
use server::cli::Asker;
use std::io::Write;
use std::path::PathBuf;

fn set(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/eval")
        .join(name)
}

struct Floor {
    set: &'static str,
    min_accuracy: f64,
    max_wrong_rate: f64,
}

// A few points under what the engine reaches, so regressions fail.
const FLOORS: &[Floor] = &[
    Floor {
        set: "business-dev",
        min_accuracy: 0.95,
        max_wrong_rate: 0.05,
    },
    Floor {
        set: "wtq-dev",
        min_accuracy: 0.32,
        max_wrong_rate: 0.13,
    },
    Floor {
        set: "dabench-dev",
        min_accuracy: 0.15,
        max_wrong_rate: 0.14,
    },
];

#[tokio::test]
async fn accuracy_stays_above_the_floors_and_matches_the_reference_scorer() {
    for floor in FLOORS {
        let dir = set(floor.set);
        let Predicted {
            items, predictions, ..
        } = predict(&dir, &Asker::rules(), None).await.unwrap();
        let summary = score(&items, &predictions);
        println!("{}: {summary}", floor.set);
        assert!(
            summary.accuracy() >= floor.min_accuracy,
            "{}: {summary}",
            floor.set
        );
        assert!(
            summary.wrong_rate() <= floor.max_wrong_rate,
            "{}: {summary}",
            floor.set
        );

        let mut preds = tempfile::NamedTempFile::new().unwrap();
        for p in &predictions {
            writeln!(preds, "{}", serde_json::to_string(p).unwrap()).unwrap();
        }
        let reference = std::process::Command::new("python3")
            .arg(dir.parent().unwrap().join("score.py"))
            .arg(&dir)
            .arg(preds.path())
            .output()
            .expect("python3 runs the reference scorer");
        let printed = String::from_utf8_lossy(&reference.stdout);
        assert_eq!(
            printed.trim(),
            summary.to_string(),
            "{}: scorers disagree",
            floor.set
        );
    }
}

#[tokio::test]
async fn easy_dabench_questions_have_their_own_floor() {
    let Predicted {
        items, predictions, ..
    } = predict(&set("dabench-dev"), &Asker::rules(), None)
        .await
        .unwrap();
    let summary = score(&items, &predictions);
    let (right, total) = summary.by_level["easy"];
    println!("dabench easy: {right}/{total}");
    assert!(right as f64 / total as f64 >= 0.40, "easy {right}/{total}");
}
