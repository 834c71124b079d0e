//! Accuracy floors on ../shared/eval: runs each set through nlq + DataFusion, scores it with
//! score.py and fails if right answers drop or wrong answers rise past the recorded floors.
//! Skips with a notice when the eval folder or python3 is missing.

mod harness;

/// (set, minimum right, maximum wrong) — a few points under what the engine reaches.
const FLOORS: &[(&str, usize, usize)] = &[
    ("business-dev", 67, 3),
    ("wtq-dev", 101, 36),
    ("dabench-dev", 23, 20),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accuracy_floors_hold() {
    let root = harness::eval_root();
    if !root.join("score.py").exists() {
        eprintln!("skipping: no eval sets at {}", root.display());
        return;
    }
    let out_dir = std::env::temp_dir().join("nlq-accuracy-test");
    std::fs::create_dir_all(&out_dir).unwrap();
    for (set, min_right, max_wrong) in FLOORS {
        let dir = root.join(set);
        let out = out_dir.join(format!("{set}.jsonl"));
        let run = harness::run_set(&dir, &out).await.expect("eval run");
        let Some(report) = harness::score(&dir, &run.preds_path, 0) else {
            eprintln!("skipping {set}: python3 not available");
            continue;
        };
        let (total, right, wrong, _) = harness::counts(&report).expect("score.py output");
        eprintln!("{set}: {}", report.trim());
        assert!(total > 0);
        assert!(
            right >= *min_right,
            "{set}: {right} right, floor {min_right}"
        );
        assert!(
            wrong <= *max_wrong,
            "{set}: {wrong} wrong, ceiling {max_wrong}"
        );
    }
}
