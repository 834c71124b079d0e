//! Sandbox tests: every refused statement, the row cap, the timeout, the memory limit,
//! error messages a person can act on, and JSON encoding of result values.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray,
    TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use engine::{Sandbox, SandboxLimits, TableRef};
use serde_json::json;

fn write_sales(path: &Path, rows: usize) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("region", DataType::Utf8, true),
        Field::new("revenue", DataType::Float64, true),
        Field::new("order_date", DataType::Date32, true),
        Field::new("paid", DataType::Boolean, true),
        Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, None), true),
    ]));
    let regions = ["Europe", "Asia", "Americas"];
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(0..rows as i64)),
        Arc::new(StringArray::from_iter((0..rows).map(|i| {
            if i % 10 == 9 {
                None
            } else {
                Some(regions[i % 3])
            }
        }))),
        Arc::new(Float64Array::from_iter_values(
            (0..rows).map(|i| i as f64 * 1.5),
        )),
        Arc::new(Date32Array::from_iter_values(
            (0..rows).map(|i| 19_905 + (i % 365) as i32),
        )),
        Arc::new(BooleanArray::from_iter((0..rows).map(|i| Some(i % 2 == 0)))),
        Arc::new(TimestampMicrosecondArray::from_iter_values(
            (0..rows).map(|i| 1_719_792_000_000_000 + i as i64 * 1_000_000),
        )),
    ];
    let batch = RecordBatch::try_new(schema.clone(), cols).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

struct Fixture {
    _dir: tempfile::TempDir,
    sales: PathBuf,
    other: PathBuf,
}

fn fixture(rows: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let sales = dir.path().join("sales.parquet");
    let other = dir.path().join("other.parquet");
    write_sales(&sales, rows);
    write_sales(&other, 10);
    Fixture {
        _dir: dir,
        sales,
        other,
    }
}

fn tables(f: &Fixture) -> Vec<TableRef> {
    vec![
        TableRef::new("sales", f.sales.clone()),
        TableRef::new("targets", f.other.clone()),
    ]
}

fn sandbox() -> Sandbox {
    Sandbox::new(SandboxLimits {
        threads: 2,
        ..SandboxLimits::default()
    })
    .unwrap()
}

#[tokio::test]
async fn select_encodes_values() {
    let f = fixture(100);
    let sb = sandbox();
    let r = sb
        .execute(
            &tables(&f),
            Some("sales"),
            "SELECT id, region, revenue, order_date, paid, ts FROM data ORDER BY id LIMIT 10",
        )
        .await
        .unwrap();
    assert_eq!(r.row_count, 10);
    assert!(!r.truncated);
    let types: Vec<&str> = r.columns.iter().map(|c| c.column_type.as_str()).collect();
    assert_eq!(
        types,
        ["integer", "string", "float", "date", "boolean", "datetime"]
    );
    assert_eq!(r.rows[1][0], json!(1));
    assert_eq!(r.rows[1][1], json!("Asia"));
    assert_eq!(r.rows[1][2], json!(1.5));
    assert_eq!(r.rows[0][3], json!("2024-07-01"));
    assert_eq!(r.rows[0][4], json!(true));
    assert_eq!(r.rows[0][5], json!("2024-07-01T00:00:00"));
    assert_eq!(r.rows[9][1], json!(null));
    let as_json = serde_json::to_value(&r).unwrap();
    assert_eq!(as_json["columns"][0]["type"], json!("integer"));
}

#[tokio::test]
async fn joins_across_own_tables_and_named_access() {
    let f = fixture(100);
    let r = sandbox()
        .execute(
            &tables(&f),
            Some("sales"),
            "SELECT COUNT(*) AS n FROM sales s JOIN targets t ON s.id = t.id",
        )
        .await
        .unwrap();
    assert_eq!(r.rows[0][0], json!(10));
}

#[tokio::test]
async fn row_cap_reports_true_count() {
    let f = fixture(25_000);
    let r = sandbox()
        .execute(&tables(&f), Some("sales"), "SELECT * FROM data")
        .await
        .unwrap();
    assert_eq!(r.rows.len(), 10_000);
    assert_eq!(r.row_count, 25_000);
    assert!(r.truncated);
}

#[tokio::test]
async fn refused_statements_are_user_errors() {
    let f = fixture(10);
    let sb = sandbox();
    let cases = [
        (
            "CREATE EXTERNAL TABLE x STORED AS CSV LOCATION '/etc/passwd'",
            "sql_not_allowed",
        ),
        ("COPY data TO '/tmp/insightiq-leak.csv'", "sql_not_allowed"),
        ("INSERT INTO data VALUES (1)", "sql_not_allowed"),
        ("DROP TABLE data", "sql_not_allowed"),
        ("SET datafusion.execution.batch_size = 1", "sql_not_allowed"),
        ("CREATE VIEW v AS SELECT 1", "sql_not_allowed"),
        ("SELECT 1; SELECT 2", "multiple_statements"),
        (
            "SELECT * FROM read_parquet('/etc/passwd')",
            "sql_not_allowed",
        ),
        ("SELECT * FROM read_csv('/etc/passwd')", "sql_not_allowed"),
        ("SELECT * FROM '/etc/passwd'", "unknown_table"),
        ("SELECT * FROM \"/etc/hosts\"", "unknown_table"),
        ("SELECT * FROM other_users_table", "unknown_table"),
        ("SELECT * FROM information_schema.tables", "unknown_table"),
    ];
    for (sql, code) in cases {
        let e = sb
            .execute(&tables(&f), Some("sales"), sql)
            .await
            .unwrap_err();
        assert_eq!(e.code(), code, "{sql}: {e}");
        assert!(e.is_user_error(), "{sql}");
    }
    assert!(!Path::new("/tmp/insightiq-leak.csv").exists());
    // The sandbox still serves after refusals.
    let r = sb
        .execute(&tables(&f), Some("sales"), "SELECT 1 AS x")
        .await
        .unwrap();
    assert_eq!(r.rows, vec![vec![json!(1)]]);
}

#[tokio::test]
async fn helpful_errors() {
    let f = fixture(10);
    let sb = sandbox();
    let t = tables(&f);
    let e = sb
        .execute(&t, Some("sales"), "SELECT SUM(revnue) FROM data")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "unknown_column");
    assert!(e.to_string().contains("did you mean `revenue`"), "{e}");

    let e = sb
        .execute(&t, Some("sales"), "SELECT region FROM data WHERE")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "sql_syntax", "{e}");

    let e = sb
        .execute(&t, Some("sales"), "SELECT * FROM sale")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "unknown_table");
    assert!(e.to_string().contains("`sales`"), "{e}");

    let e = sb
        .execute(
            &t,
            Some("sales"),
            "SELECT * FROM data WHERE order_date > 5 + paid",
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "type_mismatch", "{e}");
}

#[tokio::test]
async fn timeout_stops_a_slow_query() {
    // 900 million pairs (under the billion-row refusal) with per-pair arithmetic: far
    // more than the timeout allows however idle the machine is.
    let f = fixture(30_000);
    let sb = Sandbox::new(SandboxLimits {
        timeout: Duration::from_millis(300),
        threads: 2,
        ..SandboxLimits::default()
    })
    .unwrap();
    let start = Instant::now();
    let e = sb
        .execute(
            &tables(&f),
            Some("sales"),
            "SELECT COUNT(*) FROM sales a CROSS JOIN sales b WHERE sqrt(a.revenue * b.revenue + 1.0) + ln(a.revenue + b.revenue + 1.0) > 17.0",
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "query_timeout", "{e}");
    assert!(start.elapsed() < Duration::from_secs(5));
    // The sandbox recovers: once the aborted query lets go of the threads, queries run again.
    let mut recovered = false;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if let Ok(r) = sb
            .execute(&tables(&f), Some("sales"), "SELECT COUNT(*) FROM data")
            .await
        {
            assert_eq!(r.rows[0][0], json!(30_000));
            recovered = true;
            break;
        }
    }
    assert!(recovered);
}

#[tokio::test]
async fn memory_limit_fails_cleanly() {
    let f = fixture(200_000);
    let sb = Sandbox::new(SandboxLimits {
        memory_bytes: 8 * 1024 * 1024,
        timeout: Duration::from_secs(20),
        threads: 2,
        ..SandboxLimits::default()
    })
    .unwrap();
    let e = sb
        .execute(
            &tables(&f),
            Some("sales"),
            "SELECT a.id, COUNT(DISTINCT b.region || CAST(b.id AS VARCHAR)) FROM sales a CROSS JOIN sales b GROUP BY a.id",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            e.code(),
            "query_memory_exceeded" | "query_timeout" | "query_too_large"
        ),
        "{}: {e}",
        e.code()
    );
    let e = sb
        .execute(
            &tables(&f),
            Some("sales"),
            "SELECT COUNT(*) FROM data a JOIN data b ON repeat(CAST(a.id AS VARCHAR), 50) = repeat(CAST(b.id AS VARCHAR), 50)",
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "query_memory_exceeded", "{e}");
    assert!(e.is_user_error());
}

#[tokio::test]
async fn preview_pages() {
    let f = fixture(100);
    let sb = sandbox();
    let p = sb.preview(&f.sales, 90, 20).await.unwrap();
    assert_eq!(p.rows.len(), 10);
    assert_eq!(p.row_count, 100);
    assert_eq!(p.rows[0][0], json!(90));
    assert!(!p.truncated);
    let p = sb.preview(&f.sales, 0, 5).await.unwrap();
    assert!(p.truncated);
}

#[tokio::test]
async fn exports_in_every_format() {
    use engine::export::{export_batches, export_result, ExportFormat};
    let f = fixture(20);
    let sb = sandbox();
    let sql = "SELECT id, region, revenue, order_date, paid FROM data ORDER BY id";
    let b = sb
        .execute_batches(&tables(&f), Some("sales"), sql, None)
        .await
        .unwrap();
    assert_eq!(b.row_count, 20);
    let csv = String::from_utf8(export_batches(&b, ExportFormat::Csv).unwrap()).unwrap();
    assert!(
        csv.starts_with("id,region,revenue,order_date,paid\n0,Europe,0.0,2024-07-01,true\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 21);
    let json: serde_json::Value =
        serde_json::from_slice(&export_batches(&b, ExportFormat::Json).unwrap()).unwrap();
    assert_eq!(json[1]["region"], json!("Asia"));
    assert_eq!(json[0]["order_date"], json!("2024-07-01"));
    let xlsx = export_batches(&b, ExportFormat::Xlsx).unwrap();
    assert!(xlsx.starts_with(b"PK"));
    let parquet = export_batches(&b, ExportFormat::Parquet).unwrap();
    assert!(parquet.starts_with(b"PAR1"));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    std::fs::write(&p, &parquet).unwrap();
    assert_eq!(engine::parquet_row_count(&p).unwrap(), 20);
    // Round-trip the XLSX through ingest.
    let x = dir.path().join("e.xlsx");
    std::fs::write(&x, &xlsx).unwrap();
    let out = dir.path().join("x.parquet");
    let r = engine::ingest_file(&x, "e.xlsx", &engine::IngestOptions::default(), &out).unwrap();
    assert_eq!(r.row_count, 20);
    let result = sb.execute(&tables(&f), Some("sales"), sql).await.unwrap();
    let csv2 = String::from_utf8(export_result(&result, ExportFormat::Csv).unwrap()).unwrap();
    assert!(
        csv2.starts_with("id,region,revenue,order_date,paid\n0,Europe,0.0,2024-07-01,true\n"),
        "{csv2}"
    );
}

#[tokio::test]
async fn plans_that_would_explode_are_refused_before_running() {
    let f = fixture(2_000);
    let sb = sandbox();
    let start = Instant::now();
    let e = sb
        .execute(
            &tables(&f),
            Some("sales"),
            "SELECT COUNT(DISTINCT a.revenue * b.revenue * c.revenue) FROM sales a, sales b, sales c",
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "query_too_large", "{e}");
    assert!(e.is_user_error());
    assert!(start.elapsed() < Duration::from_secs(5));
    // A plain query still runs right away.
    let r = sb
        .execute(&tables(&f), Some("sales"), "SELECT COUNT(*) FROM data")
        .await
        .unwrap();
    assert_eq!(r.rows[0][0], json!(2_000));
}
