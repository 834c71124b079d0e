//! Command-line tools beside the server: `ask` one question about a file and
//! `eval` a question set. Both use the server's ingest, question and query paths
//! on local files, with no metadata store.

pub mod ask;
pub mod eval;
pub mod score;

use crate::sources::ingest;
use domain::ColumnName;
use engine::{Sandbox, TableRef};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file ingested into a temporary Parquet snapshot, ready for questions.
pub struct LocalTable {
    pub name: String,
    pub parquet: PathBuf,
    pub schema: nlq::Schema,
    /// Headers and SQL names, so SQL may name columns either way (as on the server).
    pub columns: Arc<[ColumnName]>,
}

impl LocalTable {
    /// Ingests and profiles `file` into `work_dir` through the same code as uploads.
    pub async fn load(sandbox: &Sandbox, file: &Path, work_dir: &Path) -> anyhow::Result<Self> {
        let file_name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("data.csv")
            .to_string();
        let stem = Path::new(&file_name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("data");
        let name = crate::tables::sql_identifier(stem);
        let parquet = work_dir.join(format!("{name}-{}.parquet", uuid::Uuid::new_v4().simple()));
        let ingested = ingest(sandbox, file, &file_name, None, &parquet)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let schema = nlq::Schema::from_source(&ingested.schema, "data");
        Ok(Self {
            name,
            parquet,
            schema,
            columns: ingested.schema.column_names().into(),
        })
    }

    /// Runs `sql` with this table registered under its name and as `data`.
    pub async fn run(
        &self,
        sandbox: &Sandbox,
        sql: &str,
    ) -> Result<engine::QueryResult, engine::Error> {
        let tables = [TableRef::new(self.name.clone(), self.parquet.clone())
            .with_columns(self.columns.clone())];
        sandbox.execute(&tables, Some(&self.name), sql).await
    }
}

/// Parses `--today` (`YYYY-MM-DD`).
pub fn parse_day(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}
