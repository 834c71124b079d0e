//! The decoded-column cache: queries answer exactly as when reading Parquet, a
//! `LIMIT`ed page or a table too large for the budget never fills it, and a file
//! replaced in place is decoded afresh.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use engine::{QueryResult, Sandbox, SandboxLimits, TableRef};

/// `rows` sales rows in row groups of 700 (the last one shorter), with nulls in
/// every nullable column and text both short and longer than 12 bytes.
fn write_sales(path: &Path, rows: usize, revenue_scale: f64) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("region", DataType::Utf8, true),
        Field::new("revenue", DataType::Float64, true),
        Field::new("order_date", DataType::Date32, true),
        Field::new("paid", DataType::Boolean, true),
    ]));
    let regions = ["Europe", "Asia", "North America", "South America"];
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(0..rows as i64)),
        Arc::new(StringArray::from_iter(
            (0..rows).map(|i| (i % 11 != 10).then(|| regions[i % regions.len()])),
        )),
        Arc::new(Float64Array::from_iter((0..rows).map(|i| {
            (i % 7 != 3).then_some((i % 100) as f64 * revenue_scale)
        }))),
        Arc::new(Date32Array::from_iter(
            (0..rows).map(|i| (i % 13 != 5).then_some(19_723 + (i % 730) as i32)),
        )),
        Arc::new(BooleanArray::from_iter(
            (0..rows).map(|i| (i % 5 != 0).then_some(i % 2 == 0)),
        )),
    ];
    let batch = RecordBatch::try_new(schema.clone(), cols).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(700))
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn sandbox(column_cache_bytes: u64) -> Sandbox {
    Sandbox::new(SandboxLimits {
        threads: 2,
        column_cache_bytes,
        ..SandboxLimits::default()
    })
    .unwrap()
}

fn table(path: &Path) -> Vec<TableRef> {
    vec![TableRef::new("sales", path.to_path_buf())]
}

async fn run(sb: &Sandbox, path: &Path, sql: &str) -> QueryResult {
    sb.execute(&table(path), Some("sales"), sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

const QUERIES: &[&str] = &[
    "SELECT SUM(revenue), COUNT(*), COUNT(revenue) FROM data \
     WHERE order_date >= DATE '2024-07-01' AND order_date <= DATE '2024-09-30'",
    "SELECT region, SUM(revenue) AS r, MIN(order_date), MAX(id) FROM sales GROUP BY region ORDER BY region",
    "SELECT date_trunc('month', order_date) AS m, AVG(revenue) FROM data WHERE paid GROUP BY 1 ORDER BY 1",
    "SELECT * FROM data WHERE id % 97 = 1 ORDER BY id",
    "SELECT id, region FROM data WHERE region IS NULL AND revenue > 40 ORDER BY id DESC",
    "SELECT COUNT(*) FROM data WHERE false",
    "SELECT a.region, COUNT(*) FROM data a JOIN sales b ON a.id = b.id + 1 GROUP BY 1 ORDER BY 1",
    "SELECT COUNT(*) FROM data",
];

#[tokio::test]
async fn answers_as_parquet_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sales.parquet");
    write_sales(&path, 5_000, 1.25);
    let parquet = sandbox(0);
    assert!(parquet.column_cache().is_none());
    let cached = sandbox(64 << 20);
    for sql in QUERIES {
        let expected = run(&parquet, &path, sql).await;
        // The first run decodes into the cache, the second reads from it.
        for _ in 0..2 {
            let got = run(&cached, &path, sql).await;
            assert_eq!(got.columns, expected.columns, "{sql}");
            assert_eq!(got.rows, expected.rows, "{sql}");
            assert_eq!(got.row_count, expected.row_count, "{sql}");
        }
    }
    assert!(cached.column_cache().unwrap().bytes() > 0);
    cached.forget_snapshot(&path);
    assert_eq!(cached.column_cache().unwrap().bytes(), 0);
}

#[tokio::test]
async fn a_page_of_rows_leaves_the_cache_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sales.parquet");
    write_sales(&path, 3_000, 1.0);
    let sb = sandbox(64 << 20);
    let page = run(&sb, &path, "SELECT * FROM data LIMIT 5 OFFSET 10").await;
    assert_eq!(page.rows.len(), 5);
    assert_eq!(page.rows[0][0], serde_json::json!(10));
    let preview = sb.preview(&path, 20, 3).await.unwrap();
    assert_eq!(preview.rows[0][0], serde_json::json!(20));
    assert_eq!(sb.column_cache().unwrap().bytes(), 0);
    // Once the columns are cached, a page is read from memory in file order.
    run(&sb, &path, "SELECT * FROM data").await;
    assert!(sb.column_cache().unwrap().bytes() > 0);
    let page = run(&sb, &path, "SELECT * FROM data LIMIT 5 OFFSET 10").await;
    assert_eq!(page.rows[0][0], serde_json::json!(10));
}

#[tokio::test]
async fn a_table_over_half_the_budget_is_read_from_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sales.parquet");
    write_sales(&path, 5_000, 1.0);
    // 5,000 ids alone are 40 kB decoded.
    let sb = sandbox(64 << 10);
    let total = run(&sb, &path, "SELECT SUM(id) FROM data").await;
    assert_eq!(total.rows[0][0], serde_json::json!(4_999 * 5_000 / 2));
    assert_eq!(sb.column_cache().unwrap().bytes(), 0);
    // A narrower column fits.
    run(&sb, &path, "SELECT COUNT(paid) FROM data").await;
    assert!(sb.column_cache().unwrap().bytes() > 0);
}

#[tokio::test]
async fn a_file_replaced_in_place_is_decoded_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sales.parquet");
    let sql = "SELECT SUM(revenue) FROM data";
    write_sales(&path, 2_000, 1.0);
    let sb = sandbox(64 << 20);
    let before = run(&sb, &path, sql).await;
    write_sales(&path, 2_100, 2.0);
    let after = run(&sb, &path, sql).await;
    let expected = run(&sandbox(0), &path, sql).await;
    assert_ne!(before.rows, after.rows);
    assert_eq!(after.rows, expected.rows);
}
