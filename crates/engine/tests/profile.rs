//! Profile tests: statistics, flags and the value index on a small known table,
//! and on a real file.

use engine::{ingest_file, ColumnType, IngestOptions, Sandbox, SandboxLimits};
use serde_json::json;

fn ingest(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.csv");
    std::fs::write(&src, text).unwrap();
    let out = dir.path().join("p.parquet");
    ingest_file(&src, "in.csv", &IngestOptions::default(), &out).unwrap();
    (dir, out)
}

#[tokio::test]
async fn statistics_flags_and_value_index() {
    let mut csv = String::from("order_id,region,revenue,day,code,mixed,empty,same\n");
    for i in 0..100 {
        let region = ["Europe", "Asia", "Americas", "Africa"][i % 4];
        let mixed = if i % 2 == 0 {
            format!("{i}")
        } else {
            "n/a-ish".to_string()
        };
        csv.push_str(&format!(
            "{i},{region},{},2024-01-{:02},00{i},{mixed},,x\n",
            i as f64 + 0.5,
            i % 28 + 1
        ));
    }
    let (_d, out) = ingest(&csv);
    let p = engine::profile_parquet(&out).await.unwrap();
    assert_eq!(p.row_count, 100);
    let col = |n: &str| p.columns.iter().find(|c| c.name == n).unwrap();

    let id = col("order_id");
    assert_eq!(id.column_type, ColumnType::Integer);
    assert_eq!(id.distinct_count, 100);
    assert!(!id.distinct_approximate);
    assert!(id.flags.looks_like_id);
    assert_eq!(id.min, Some(json!(0)));
    assert_eq!(id.max, Some(json!(99)));

    let rev = col("revenue");
    assert_eq!(rev.mean, Some(50.0));
    assert!(rev.stddev.unwrap() > 28.0 && rev.stddev.unwrap() < 30.0);
    let q = rev.quantiles.as_ref().unwrap();
    assert!((q.p50.as_f64().unwrap() - 50.0).abs() < 2.0);
    let h = rev.histogram.as_ref().unwrap();
    assert_eq!(h.iter().map(|b| b.count).sum::<u64>(), 100);

    let region = col("region");
    assert_eq!(region.distinct_count, 4);
    assert_eq!(region.top_values.len(), 4);
    assert_eq!(region.top_values[0].count, 25);
    let index = region.value_index.as_ref().unwrap();
    assert!(index
        .iter()
        .any(|v| v.value == json!("Europe") && v.count == 25));
    assert!(p.value_index().iter().any(|(c, _)| *c == "region"));

    let day = col("day");
    assert_eq!(day.column_type, ColumnType::Date);
    assert_eq!(day.min, Some(json!("2024-01-01")));
    assert!(day
        .quantiles
        .as_ref()
        .unwrap()
        .p50
        .as_str()
        .unwrap()
        .starts_with("2024-01-"));

    assert!(col("code").flags.numbers_as_text);
    assert!(col("mixed").flags.mixed_types);
    assert!(col("empty").flags.all_null);
    assert_eq!(col("empty").null_count, 100);
    assert!(col("same").flags.constant);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["columns"][0]["type"], json!("integer"));
}

#[tokio::test]
async fn real_file_profile_through_sandbox() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/eval/business-dev/tables/tips.csv");
    if !src.exists() {
        eprintln!("skipping: {} not found", src.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tips.parquet");
    ingest_file(&src, "tips.csv", &IngestOptions::default(), &out).unwrap();
    let sb = Sandbox::new(SandboxLimits::default()).unwrap();
    let p = sb.profile(&out).await.unwrap();
    assert_eq!(p.row_count, 244);
    let day = p.columns.iter().find(|c| c.name == "day").unwrap();
    assert_eq!(day.distinct_count, 4);
    assert_eq!(day.value_index.as_ref().unwrap().len(), 4);
    let smoker = p.columns.iter().find(|c| c.name == "smoker").unwrap();
    assert_eq!(smoker.column_type, ColumnType::Boolean);
    assert_eq!(smoker.top_values.len(), 2);
}

#[tokio::test]
async fn large_tables_use_approximate_distincts() {
    let mut csv = String::from("id,day,price,flag,ts,region\n");
    for i in 0..120_000u32 {
        csv.push_str(&format!(
            "{i},2024-01-{:02},{}.25,{},2024-01-01T00:00:{:02},{}\n",
            i % 28 + 1,
            i % 5000,
            if i % 2 == 0 { "yes" } else { "no" },
            i % 60,
            ["Europe", "Asia"][(i % 2) as usize]
        ));
    }
    let (_d, out) = ingest(&csv);
    let p = engine::profile_parquet(&out).await.unwrap();
    assert_eq!(p.row_count, 120_000);
    let col = |n: &str| p.columns.iter().find(|c| c.name == n).unwrap();
    assert!(col("id").distinct_approximate);
    let d = col("id").distinct_count as f64;
    assert!((d - 120_000.0).abs() / 120_000.0 < 0.05, "{d}");
    let d = col("price").distinct_count as f64;
    assert!((d - 5000.0).abs() / 5000.0 < 0.05, "{d}");
    assert_eq!(col("day").column_type, ColumnType::Date);
    assert!((col("day").distinct_count as i64 - 28).abs() <= 1);
    assert_eq!(col("flag").distinct_count, 2);
    assert_eq!(col("ts").column_type, ColumnType::Datetime);
    assert_eq!(col("region").value_index.as_ref().unwrap().len(), 2);
}
