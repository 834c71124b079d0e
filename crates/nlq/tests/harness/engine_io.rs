//! Loads eval tables through the real ingest path (`engine::ingest_file` -> Parquet ->
//! `Sandbox::profile`) and runs SQL in the `engine` sandbox, as the server does.

use engine::{ColumnType, Sandbox, SandboxLimits, TableRef};
use nlq::{Column, DataType, Schema};
use std::path::{Path, PathBuf};

pub struct EngineTable {
    pub schema: Schema,
    pub parquet: PathBuf,
}

fn data_type(t: ColumnType) -> DataType {
    match t {
        ColumnType::Integer => DataType::Integer,
        ColumnType::Float => DataType::Float,
        ColumnType::String => DataType::String,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date,
        ColumnType::Datetime => DataType::Datetime,
    }
}

pub fn sandbox() -> Sandbox {
    Sandbox::new(SandboxLimits::default()).expect("sandbox")
}

pub async fn load(src: &Path, work: &Path, sandbox: &Sandbox) -> Result<EngineTable, String> {
    let name = src.file_name().unwrap().to_string_lossy().to_string();
    let parquet = work.join(format!("{name}.parquet"));
    let report = engine::ingest_file(src, &name, &engine::IngestOptions::default(), &parquet)
        .map_err(|e| e.to_string())?;
    let profile = sandbox.profile(&parquet).await.map_err(|e| e.to_string())?;
    let columns = report
        .columns
        .iter()
        .map(|c| {
            let p = profile.columns.iter().find(|p| p.name == c.sql_name);
            Column {
                name: c.name.clone(),
                sql_name: c.sql_name.clone(),
                data_type: data_type(c.column_type),
                description: None,
                synonyms: Vec::new(),
                distinct_count: p.map(|p| p.distinct_count),
                min: p.and_then(|p| p.min.clone()),
                max: p.and_then(|p| p.max.clone()),
                values: p
                    .and_then(|p| p.value_index.as_ref())
                    .map(|vs| {
                        vs.iter()
                            .filter_map(|v| match &v.value {
                                serde_json::Value::String(s) => Some((s.clone(), v.count)),
                                serde_json::Value::Null => None,
                                other => Some((other.to_string(), v.count)),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok(EngineTable {
        schema: Schema {
            table: "data".into(),
            row_count: report.row_count,
            columns,
        },
        parquet,
    })
}

pub async fn execute(
    sandbox: &Sandbox,
    table: &EngineTable,
    sql: &str,
) -> Result<(Vec<String>, Vec<Vec<serde_json::Value>>), String> {
    let tables = [TableRef {
        name: "data".into(),
        parquet_path: table.parquet.clone(),
    }];
    let r = sandbox
        .execute(&tables, Some("data"), sql)
        .await
        .map_err(|e| e.to_string())?;
    Ok((r.columns.into_iter().map(|c| c.name).collect(), r.rows))
}
