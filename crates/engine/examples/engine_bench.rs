//! Benchmark driver for `bench/run.sh`: generate the sales CSV, ingest it, profile it,
//! and time the four issue-5 queries through the sandbox. Build with `--release`.
//!
//! ```text
//! engine_bench gen ROWS OUT.csv
//! engine_bench ingest IN.csv OUT.parquet
//! engine_bench profile IN.parquet
//! engine_bench query IN.parquet [RUNS]
//! ```

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use engine::{ingest_file, IngestOptions, Sandbox, SandboxLimits, TableRef};

/// The four queries of issue 5, in the dialect every tool in the benchmark accepts.
pub const QUERIES: [(&str, &str); 4] = [
    (
        "quarter_total",
        "SELECT SUM(revenue) AS revenue FROM data WHERE order_date >= DATE '2024-07-01' AND order_date <= DATE '2024-09-30'",
    ),
    (
        "by_region",
        "SELECT region, SUM(revenue) AS revenue FROM data GROUP BY region ORDER BY revenue DESC",
    ),
    (
        "monthly",
        "SELECT date_trunc('month', order_date) AS month, SUM(revenue) AS revenue FROM data WHERE order_date >= DATE '2024-01-01' AND order_date < DATE '2025-01-01' GROUP BY 1 ORDER BY 1",
    ),
    (
        "top_products",
        "SELECT product, SUM(revenue) AS revenue, COUNT(DISTINCT customer_id) AS customers FROM data GROUP BY product ORDER BY revenue DESC LIMIT 10",
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cmd = args.get(1).map(String::as_str).unwrap_or("");
    match cmd {
        "gen" => generate(args[2].parse().expect("rows"), Path::new(&args[3])),
        "ingest" => {
            let t = Instant::now();
            let r = ingest_file(
                Path::new(&args[2]),
                &args[2],
                &IngestOptions::default(),
                Path::new(&args[3]),
            )
            .expect("ingest");
            let types: Vec<String> = r
                .columns
                .iter()
                .map(|c| format!("{}:{}", c.sql_name, c.column_type))
                .collect();
            println!(
                "ingest rows={} secs={:.3} columns={}",
                r.row_count,
                t.elapsed().as_secs_f64(),
                types.join(",")
            );
        }
        "profile" => {
            let rt = tokio::runtime::Runtime::new().unwrap();
            let t = Instant::now();
            let p = rt
                .block_on(engine::profile_parquet(Path::new(&args[2])))
                .expect("profile");
            println!(
                "profile rows={} columns={} secs={:.3}",
                p.row_count,
                p.columns.len(),
                t.elapsed().as_secs_f64()
            );
        }
        "query" => {
            let runs: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(5);
            let rt = tokio::runtime::Runtime::new().unwrap();
            // As the server reads it: INSIGHTIQ_COLUMN_CACHE_MB=0 measures Parquet decoding.
            let defaults = SandboxLimits::default();
            let column_cache_bytes = std::env::var("INSIGHTIQ_COLUMN_CACHE_MB")
                .ok()
                .and_then(|mb| mb.parse::<u64>().ok())
                .map_or(defaults.column_cache_bytes, |mb| mb << 20);
            let sb = Sandbox::new(SandboxLimits {
                memory_bytes: 2 << 30,
                column_cache_bytes,
                ..defaults
            })
            .unwrap();
            let tables = [TableRef::new("data", args[2].clone())];
            let only = args.get(4);
            for (name, sql) in QUERIES {
                if only.is_some_and(|o| o != name) {
                    continue;
                }
                // The first run is untimed for the median: it reads the footer and
                // decodes the query's columns into the column cache.
                let mut first = 0.0;
                let mut times = Vec::new();
                for i in 0..=runs {
                    let t = Instant::now();
                    let r = rt
                        .block_on(sb.execute(&tables, Some("data"), sql))
                        .expect(name);
                    if i > 0 {
                        times.push(t.elapsed().as_secs_f64());
                    } else {
                        first = t.elapsed().as_secs_f64();
                        assert!(r.row_count > 0);
                    }
                }
                times.sort_by(f64::total_cmp);
                println!(
                    "query {name} median_secs={:.4} first_secs={first:.4}",
                    times[times.len() / 2]
                );
            }
        }
        _ => eprintln!("usage: engine_bench gen|ingest|profile|query ..."),
    }
}

/// Deterministic sales data: dates, categories, floats, some nulls, quoted text with commas.
fn generate(rows: u64, out: &Path) {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out).unwrap());
    writeln!(
        w,
        "order_id,order_date,region,product,customer_id,quantity,unit_price,revenue,note"
    )
    .unwrap();
    let regions = [
        "Europe",
        "Asia",
        "North America",
        "South America",
        "Africa",
        "Oceania",
    ];
    let notes = [
        "",
        "gift, wrapped",
        "express",
        "\"fragile\", handle with care",
        "",
        "returning customer",
    ];
    let mut s: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let epoch = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    for i in 0..rows {
        let r = next();
        let day = epoch + chrono::Duration::days((r % 1095) as i64);
        let region = regions[((r >> 12) % 6) as usize];
        let product = (r >> 20) % 200;
        let customer = (r >> 28) % 100_000;
        let qty = 1 + (r >> 40) % 9;
        let price = 5.0 + ((r >> 44) % 20_000) as f64 / 100.0;
        let note = notes[((r >> 58) % 6) as usize];
        let note = if note.contains(',') || note.contains('"') {
            format!("\"{}\"", note.replace('"', "\"\""))
        } else {
            note.to_string()
        };
        if (r >> 8) % 50 == 0 {
            writeln!(
                w,
                "{i},{day},{region},Product {product:03},C{customer:06},{qty},{price:.2},,{note}"
            )
            .unwrap();
        } else {
            let revenue = price * qty as f64;
            writeln!(w, "{i},{day},{region},Product {product:03},C{customer:06},{qty},{price:.2},{revenue:.2},{note}").unwrap();
        }
    }
    w.flush().unwrap();
}
