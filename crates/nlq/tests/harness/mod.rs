//! Dev-only evaluation harness: loads an eval set's CSV tables into DataFusion, asks
//! `nlq::answer`, executes the SQL and writes predictions in score.py's format.
#![allow(dead_code)]

pub mod engine_io;

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray,
    TimestampSecondArray,
};
use datafusion::arrow::datatypes::{DataType as ArrowType, Field, Schema as ArrowSchema, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use nlq::{Answer, Column, Context, DataType, Schema};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub struct Table {
    pub schema: Schema,
    pub batch: RecordBatch,
}

#[derive(Clone, Copy, PartialEq)]
enum Ty {
    Int,
    Float,
    Bool,
    Date,
    Stamp,
    Text,
}

fn is_null(s: &str) -> bool {
    matches!(
        s.trim(),
        "" | "NA" | "N/A" | "NaN" | "nan" | "null" | "NULL"
    )
}

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.contains(',') {
        let parts: Vec<&str> = t.trim_start_matches('-').split(',').collect();
        let ok =
            parts[0].len() <= 3 && !parts[0].is_empty() && parts[1..].iter().all(|p| p.len() == 3);
        if !ok {
            return None;
        }
    }
    t.replace(',', "").parse().ok()
}

fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let t = t.strip_prefix('$').unwrap_or(t);
    if let Some(i) = parse_int(t) {
        return Some(i as f64);
    }
    let no_commas = if t.contains(',') {
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        parse_int(int)?;
        format!("{}.{}", int.replace(',', ""), frac)
    } else {
        t.to_string()
    };
    let v: f64 = no_commas.parse().ok()?;
    v.is_finite().then_some(v)
}

fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    let t = s.trim();
    for f in [
        "%Y-%m-%d",
        "%m/%d/%Y",
        "%Y/%m/%d",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%B %d %Y",
    ] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(t, f) {
            return Some(d);
        }
    }
    None
}

fn parse_stamp(s: &str) -> Option<chrono::NaiveDateTime> {
    let t = s.trim();
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y %H:%M:%S",
    ] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(t, f) {
            return Some(d);
        }
    }
    None
}

fn infer(vals: &[&str]) -> Ty {
    let present: Vec<&str> = vals.iter().copied().filter(|v| !is_null(v)).collect();
    if present.is_empty() {
        return Ty::Text;
    }
    if present.iter().all(|v| parse_int(v).is_some()) {
        return Ty::Int;
    }
    if present.iter().all(|v| parse_float(v).is_some()) {
        return Ty::Float;
    }
    if present
        .iter()
        .all(|v| matches!(v.to_lowercase().as_str(), "true" | "false"))
    {
        return Ty::Bool;
    }
    if present.iter().all(|v| parse_date(v).is_some()) {
        return Ty::Date;
    }
    if present.iter().all(|v| parse_stamp(v).is_some()) {
        return Ty::Stamp;
    }
    Ty::Text
}

fn json_num(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

pub fn load_csv(path: &Path) -> Result<Table, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for r in rdr.records() {
        let r = r.map_err(|e| e.to_string())?;
        rows.push(
            (0..headers.len())
                .map(|i| r.get(i).unwrap_or("").to_string())
                .collect(),
        );
    }
    let n = rows.len();
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    let mut columns = Vec::new();
    let mut seen_names: HashMap<String, usize> = HashMap::new();
    for (ci, h) in headers.iter().enumerate() {
        let mut name = if h.is_empty() {
            format!("column_{ci}")
        } else {
            h.clone()
        };
        let k = seen_names.entry(name.clone()).or_insert(0);
        *k += 1;
        if *k > 1 {
            name = format!("{name}_{k}");
        }
        let vals: Vec<&str> = rows.iter().map(|r| r[ci].as_str()).collect();
        let ty = infer(&vals);
        let nul = |v: &str| is_null(v);
        let (arrow_ty, array, data_type, min, max): (ArrowType, ArrayRef, DataType, _, _) = match ty
        {
            Ty::Int => {
                let a: Vec<Option<i64>> = vals
                    .iter()
                    .map(|v| if nul(v) { None } else { parse_int(v) })
                    .collect();
                let mn = a.iter().flatten().min().map(|v| serde_json::json!(v));
                let mx = a.iter().flatten().max().map(|v| serde_json::json!(v));
                (
                    ArrowType::Int64,
                    Arc::new(Int64Array::from(a)) as ArrayRef,
                    DataType::Integer,
                    mn,
                    mx,
                )
            }
            Ty::Float => {
                let a: Vec<Option<f64>> = vals
                    .iter()
                    .map(|v| if nul(v) { None } else { parse_float(v) })
                    .collect();
                let mn = a.iter().flatten().copied().reduce(f64::min).map(json_num);
                let mx = a.iter().flatten().copied().reduce(f64::max).map(json_num);
                (
                    ArrowType::Float64,
                    Arc::new(Float64Array::from(a)) as ArrayRef,
                    DataType::Float,
                    mn,
                    mx,
                )
            }
            Ty::Bool => {
                let a: Vec<Option<bool>> = vals
                    .iter()
                    .map(|v| {
                        if nul(v) {
                            None
                        } else {
                            Some(v.eq_ignore_ascii_case("true"))
                        }
                    })
                    .collect();
                (
                    ArrowType::Boolean,
                    Arc::new(BooleanArray::from(a)) as ArrayRef,
                    DataType::Boolean,
                    None,
                    None,
                )
            }
            Ty::Date => {
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
                let d: Vec<Option<chrono::NaiveDate>> = vals
                    .iter()
                    .map(|v| if nul(v) { None } else { parse_date(v) })
                    .collect();
                let mn = d
                    .iter()
                    .flatten()
                    .min()
                    .map(|v| serde_json::json!(v.to_string()));
                let mx = d
                    .iter()
                    .flatten()
                    .max()
                    .map(|v| serde_json::json!(v.to_string()));
                let a: Vec<Option<i32>> = d
                    .iter()
                    .map(|x| x.map(|x| (x - epoch).num_days() as i32))
                    .collect();
                (
                    ArrowType::Date32,
                    Arc::new(Date32Array::from(a)) as ArrayRef,
                    DataType::Date,
                    mn,
                    mx,
                )
            }
            Ty::Stamp => {
                let d: Vec<Option<chrono::NaiveDateTime>> = vals
                    .iter()
                    .map(|v| if nul(v) { None } else { parse_stamp(v) })
                    .collect();
                let mn = d
                    .iter()
                    .flatten()
                    .min()
                    .map(|v| serde_json::json!(v.to_string()));
                let mx = d
                    .iter()
                    .flatten()
                    .max()
                    .map(|v| serde_json::json!(v.to_string()));
                let a: Vec<Option<i64>> = d
                    .iter()
                    .map(|x| x.map(|x| x.and_utc().timestamp()))
                    .collect();
                (
                    ArrowType::Timestamp(TimeUnit::Second, None),
                    Arc::new(TimestampSecondArray::from(a)) as ArrayRef,
                    DataType::Datetime,
                    mn,
                    mx,
                )
            }
            Ty::Text => {
                let a: Vec<Option<&str>> = vals
                    .iter()
                    .map(|v| if nul(v) { None } else { Some(*v) })
                    .collect();
                (
                    ArrowType::Utf8,
                    Arc::new(StringArray::from(a)) as ArrayRef,
                    DataType::String,
                    None,
                    None,
                )
            }
        };
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for v in &vals {
            if !nul(v) {
                *counts.entry(v.trim()).or_default() += 1;
            }
        }
        let distinct = counts.len() as u64;
        let mut values: Vec<(String, u64)> = Vec::new();
        if matches!(data_type, DataType::String | DataType::Boolean) && distinct <= 200 {
            values = counts.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        fields.push(Field::new(&name, arrow_ty, true));
        arrays.push(array);
        columns.push(Column {
            name: name.clone(),
            sql_name: name,
            data_type,
            description: None,
            synonyms: Vec::new(),
            distinct_count: Some(distinct),
            min,
            max,
            values,
        });
    }
    let schema = Arc::new(ArrowSchema::new(fields));
    let batch = RecordBatch::try_new(schema, arrays).map_err(|e| e.to_string())?;
    Ok(Table {
        schema: Schema {
            table: "data".into(),
            row_count: n as u64,
            columns,
        },
        batch,
    })
}

fn cell(a: &ArrayRef, i: usize) -> serde_json::Value {
    if a.is_null(i) {
        return serde_json::Value::Null;
    }
    let opts = FormatOptions::default();
    let f = ArrayFormatter::try_new(a.as_ref(), &opts);
    match f {
        Ok(f) => serde_json::Value::String(f.value(i).to_string()),
        Err(_) => serde_json::Value::Null,
    }
}

pub async fn execute(
    table: &Table,
    sql: &str,
) -> Result<(Vec<String>, Vec<Vec<serde_json::Value>>), String> {
    let ctx = SessionContext::new();
    let mem = MemTable::try_new(table.batch.schema(), vec![vec![table.batch.clone()]])
        .map_err(|e| e.to_string())?;
    ctx.register_table("data", Arc::new(mem))
        .map_err(|e| e.to_string())?;
    let df = ctx.sql(sql).await.map_err(|e| e.to_string())?;
    let batches = df.collect().await.map_err(|e| e.to_string())?;
    let mut cols = Vec::new();
    let mut rows = Vec::new();
    for b in &batches {
        if cols.is_empty() {
            cols = b
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
        }
        for i in 0..b.num_rows() {
            rows.push(b.columns().iter().map(|a| cell(a, i)).collect());
            if rows.len() > 10_000 {
                break;
            }
        }
    }
    Ok((cols, rows))
}

pub struct RunSummary {
    pub preds_path: PathBuf,
    pub latencies_us: Vec<u128>,
}

/// Run one eval set; writes predictions to `out` and returns timing.
pub async fn run_set(dir: &Path, out: &Path) -> Result<RunSummary, String> {
    let qs = std::fs::read_to_string(dir.join("questions.jsonl")).map_err(|e| e.to_string())?;
    // The real ingest path by default; NLQ_EVAL_LOADER=csv uses the simple loader below.
    let use_engine = std::env::var("NLQ_EVAL_LOADER").map_or(true, |v| v != "csv");
    let sandbox = engine_io::sandbox();
    let work = std::env::temp_dir().join(format!("nlq-eval-parquet-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let mut engine_tables: HashMap<String, engine_io::EngineTable> = HashMap::new();
    let mut tables: HashMap<String, Table> = HashMap::new();
    let mut lines = Vec::new();
    let mut latencies = Vec::new();
    let verbose = std::env::var("NLQ_EVAL_VERBOSE").is_ok();
    for line in qs.lines().filter(|l| !l.trim().is_empty()) {
        let q: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let id = q["id"].clone();
        let tname = q["table"].as_str().unwrap_or_default().to_string();
        let src = dir.join("tables").join(&tname);
        if use_engine && !engine_tables.contains_key(&tname) {
            let t = engine_io::load(&src, &work, &sandbox).await?;
            engine_tables.insert(tname.clone(), t);
        }
        if !use_engine && !tables.contains_key(&tname) {
            tables.insert(tname.clone(), load_csv(&src)?);
        }
        let schema = if use_engine {
            &engine_tables[&tname].schema
        } else {
            &tables[&tname].schema
        };
        let today = q["today"]
            .as_str()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let question = q["question"].as_str().unwrap_or_default();
        let t0 = Instant::now();
        let ans = nlq::answer(question, schema, &Context { today });
        latencies.push(t0.elapsed().as_micros());
        let pred = match ans {
            Answer::Clarify { message, .. } => {
                serde_json::json!({"id": id, "abstained": true, "message": message})
            }
            Answer::Sql { sql, .. } => match if use_engine {
                engine_io::execute(&sandbox, &engine_tables[&tname], &sql).await
            } else {
                execute(&tables[&tname], &sql).await
            } {
                Ok((cols, rows)) => {
                    serde_json::json!({"id": id, "columns": cols, "rows": rows, "sql": sql})
                }
                Err(e) => serde_json::json!({"id": id, "error": e, "sql": sql}),
            },
        };
        if verbose {
            eprintln!(
                "{question}\n   -> {}",
                pred.get("sql").or(pred.get("message")).unwrap_or(&pred)
            );
        }
        lines.push(pred.to_string());
    }
    std::fs::write(out, lines.join("\n") + "\n").map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(RunSummary {
        preds_path: out.to_path_buf(),
        latencies_us: latencies,
    })
}

/// Run score.py; returns its output text.
pub fn score(dir: &Path, preds: &Path, show: usize) -> Option<String> {
    let scorer = dir.parent()?.join("score.py");
    let out = std::process::Command::new("python3")
        .arg(scorer)
        .arg(dir)
        .arg(preds)
        .arg("--show-misses")
        .arg(show.to_string())
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).to_string())
}

/// Parse `right N` / `wrong N` from score.py's last line.
pub fn counts(report: &str) -> Option<(usize, usize, usize, usize)> {
    let last = report.lines().last()?;
    let get = |key: &str| -> Option<usize> {
        let mut it = last.split_whitespace();
        while let Some(w) = it.next() {
            if w == key {
                return it.next()?.parse().ok();
            }
        }
        None
    };
    Some((
        get("total")?,
        get("right")?,
        get("wrong")?,
        get("abstained")?,
    ))
}

/// Level of each DABench question, for per-level accuracy.
pub fn eval_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval")
}
