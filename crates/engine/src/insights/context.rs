//! The finders' access to data: every query goes through the [`Sandbox`] over the
//! snapshot (or its sample) registered as `data`, within the report's time budget.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::query::{QueryResult, Sandbox, TableRef};

pub struct Ctx<'a> {
    sandbox: &'a Sandbox,
    tables: [TableRef; 1],
    deadline: Instant,
    /// Set once the budget is spent; the orchestrator then skips what is left.
    pub out_of_time: bool,
}

impl<'a> Ctx<'a> {
    pub fn new(sandbox: &'a Sandbox, parquet_path: &Path, deadline: Instant) -> Self {
        Ctx {
            sandbox,
            tables: [TableRef::new("data", parquet_path.to_path_buf())],
            deadline,
            out_of_time: false,
        }
    }

    /// Run one SELECT over `data`. Past the deadline this fails with `QueryTimeout`
    /// and marks the context, so no finder outlives the budget by more than a query.
    pub async fn query(&mut self, sql: &str) -> Result<Rows> {
        Ok(Rows::new(self.result(sql).await?))
    }

    /// [`Ctx::query`], keeping the result as it is (a finding's chart data).
    pub async fn result(&mut self, sql: &str) -> Result<QueryResult> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            self.out_of_time = true;
            return Err(Error::QueryTimeout { seconds: 0 });
        }
        let run = self.sandbox.execute(&self.tables, Some("data"), sql);
        match tokio::time::timeout(remaining, run).await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(e @ Error::QueryTimeout { .. })) => {
                self.out_of_time = true;
                Err(e)
            }
            Ok(Err(e)) => Err(e),
            Err(_) => {
                self.out_of_time = true;
                Err(Error::QueryTimeout {
                    seconds: remaining.as_secs(),
                })
            }
        }
    }
}

/// A query result addressed by column name.
pub struct Rows {
    index: HashMap<String, usize>,
    pub rows: Vec<Vec<Value>>,
}

impl Rows {
    fn new(result: QueryResult) -> Self {
        let index = result
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        Rows {
            index,
            rows: result.rows,
        }
    }

    fn cell(&self, row: usize, column: &str) -> Option<&Value> {
        let i = *self.index.get(column)?;
        self.rows.get(row)?.get(i)
    }

    /// A numeric cell as f64 (integers, floats, and numbers DataFusion rendered as text).
    pub fn f64(&self, row: usize, column: &str) -> Option<f64> {
        match self.cell(row, column)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn u64(&self, row: usize, column: &str) -> u64 {
        self.f64(row, column).unwrap_or(0.0).max(0.0) as u64
    }

    pub fn text(&self, row: usize, column: &str) -> Option<String> {
        match self.cell(row, column)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }
}
