//! Runs the evaluation sets in ../shared/eval through `nlq::answer` and DataFusion and
//! prints score.py's report plus latency. Usage: cargo run -p nlq --example eval [SET...]

#[path = "../tests/harness/mod.rs"]
mod harness;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show: usize = std::env::var("NLQ_EVAL_SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let sets = if args.is_empty() {
        vec![
            "business-dev".to_string(),
            "wtq-dev".into(),
            "dabench-dev".into(),
        ]
    } else {
        args
    };
    let root = harness::eval_root();
    let out_dir = std::env::temp_dir().join("nlq-eval");
    std::fs::create_dir_all(&out_dir).unwrap();
    for set in sets {
        let dir = root.join(&set);
        let out = out_dir.join(format!("{set}.jsonl"));
        let run = harness::run_set(&dir, &out).await.expect("eval run");
        let mut lat = run.latencies_us.clone();
        lat.sort();
        let median = lat.get(lat.len() / 2).copied().unwrap_or(0);
        let p95 = lat.get(lat.len() * 95 / 100).copied().unwrap_or(0);
        println!("== {set}  (predictions: {})", out.display());
        print!("{}", harness::score(&dir, &out, show).unwrap_or_default());
        println!("question -> SQL latency: median {median} us, p95 {p95} us");
    }
}
