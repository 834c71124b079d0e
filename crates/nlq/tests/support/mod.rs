//! Small tables for tests that execute answers, loaded the way uploads are:
//! `engine::ingest_file` -> Parquet -> profile -> `engine::source_schema` ->
//! `nlq::Schema::from_source`, and queried in the engine's sandbox.

use engine::{Sandbox, SandboxLimits, TableRef};
use std::path::PathBuf;

pub struct Table {
    pub schema: nlq::Schema,
    parquet: PathBuf,
    sandbox: Sandbox,
    _dir: tempfile::TempDir,
}

/// Ingests `csv` as the file `{name}.csv` (a directory per call: tests run at once).
pub async fn table(name: &str, csv: &str) -> Table {
    let dir = tempfile::tempdir().unwrap();
    let file_name = format!("{name}.csv");
    let src = dir.path().join(&file_name);
    std::fs::write(&src, csv).unwrap();
    let parquet = dir.path().join(format!("{name}.parquet"));
    let report = engine::ingest_file(
        &src,
        &file_name,
        &engine::IngestOptions::default(),
        &parquet,
    )
    .unwrap();
    let sandbox = Sandbox::new(SandboxLimits::default()).unwrap();
    let mut profile = sandbox.profile(&parquet).await.unwrap();
    let schema = engine::source_schema(&report.columns, &mut profile);
    Table {
        schema: nlq::Schema::from_source(&schema, "data"),
        parquet,
        sandbox,
        _dir: dir,
    }
}

impl Table {
    /// The rows of `sql`, every value as text.
    pub async fn rows(&self, sql: &str) -> Result<Vec<Vec<String>>, String> {
        let tables = [TableRef::new("data", self.parquet.clone())];
        let result = self
            .sandbox
            .execute(&tables, Some("data"), sql)
            .await
            .map_err(|e| e.to_string())?;
        Ok(result
            .rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|v| match v {
                        serde_json::Value::String(s) => s,
                        v => v.to_string(),
                    })
                    .collect()
            })
            .collect())
    }
}
