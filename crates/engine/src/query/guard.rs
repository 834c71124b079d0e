//! Statement guard: parses SQL and lets through exactly one read-only query.
//! Runs before planning so refusals name the statement instead of a planner error.

use std::ops::ControlFlow;

use datafusion::sql::parser::{DFParserBuilder, Statement as DFStatement};
use datafusion::sql::sqlparser::ast::{Statement, TableFactor, Visit, Visitor};
use datafusion::sql::sqlparser::dialect::GenericDialect;

use crate::error::{Error, Result};
use crate::query::errors::map_datafusion_error;

/// Parse `sql` and return the single SELECT statement it holds, or the reason it is refused.
pub(crate) fn parse_single_query(sql: &str) -> Result<DFStatement> {
    if sql.trim().trim_matches(';').trim().is_empty() {
        return Err(Error::EmptySql);
    }
    let dialect = GenericDialect {};
    let mut parser = DFParserBuilder::new(sql)
        .with_dialect(&dialect)
        .build()
        .map_err(|e| map_datafusion_error(e, &[]))?;
    let mut statements = parser
        .parse_statements()
        .map_err(|e| map_datafusion_error(e, &[]))?;
    if statements.len() > 1 {
        return Err(Error::MultipleStatements);
    }
    let statement = statements.pop_front().ok_or(Error::EmptySql)?;
    match &statement {
        DFStatement::Statement(inner) => match inner.as_ref() {
            Statement::Query(query) => {
                let mut visitor = TableFunctionFinder(None);
                // Table functions (read_parquet, generate_series, ...) can read files or
                // produce unbounded rows; only named tables of the session may be read.
                if let ControlFlow::Break(()) = query.visit(&mut visitor) {
                    return Err(Error::SqlNotAllowed {
                        statement: format!(
                            "table functions such as `{}(...)`",
                            visitor.0.unwrap_or_default()
                        ),
                    });
                }
                Ok(statement)
            }
            _ => Err(Error::SqlNotAllowed {
                statement: statement_kind(sql),
            }),
        },
        DFStatement::CreateExternalTable(_) => Err(Error::SqlNotAllowed {
            statement: "CREATE EXTERNAL TABLE".into(),
        }),
        DFStatement::CopyTo(_) => Err(Error::SqlNotAllowed {
            statement: "COPY".into(),
        }),
        _ => Err(Error::SqlNotAllowed {
            statement: statement_kind(sql),
        }),
    }
}

/// A short uppercase name for the statement (`INSERT`, `DROP TABLE`, `SET`), from its first words.
fn statement_kind(sql: &str) -> String {
    let words: Vec<String> = sql
        .split_whitespace()
        .take(3)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_alphabetic())
                .to_ascii_uppercase()
        })
        .take_while(|w| !w.is_empty())
        .collect();
    let take = match words.first().map(String::as_str) {
        Some("CREATE") | Some("DROP") | Some("ALTER") => words.len().min(2),
        _ => 1,
    };
    let kind = words[..take.min(words.len())].join(" ");
    if kind.is_empty() {
        "this".into()
    } else {
        kind
    }
}

struct TableFunctionFinder(Option<String>);

impl Visitor for TableFunctionFinder {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        let name = match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            } => Some(name.to_string()),
            TableFactor::TableFunction { expr, .. } => Some(expr.to_string()),
            TableFactor::Function { name, .. } => Some(name.to_string()),
            _ => None,
        };
        match name {
            Some(n) => {
                self.0 = Some(n);
                ControlFlow::Break(())
            }
            None => ControlFlow::Continue(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(sql: &str) -> Error {
        parse_single_query(sql).expect_err(sql)
    }

    #[test]
    fn selects_pass() {
        assert!(parse_single_query("SELECT 1").is_ok());
        assert!(parse_single_query("select a from data;").is_ok());
        assert!(parse_single_query("WITH x AS (SELECT 1 AS a) SELECT a FROM x").is_ok());
    }

    #[test]
    fn everything_else_is_refused() {
        for sql in [
            "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '/etc/passwd'",
            "COPY data TO '/tmp/x.csv'",
            "INSERT INTO data VALUES (1)",
            "DROP TABLE data",
            "SET datafusion.execution.batch_size = 1",
            "CREATE TABLE t AS SELECT 1",
            "DELETE FROM data",
            "UPDATE data SET a = 1",
            "EXPLAIN SELECT 1",
        ] {
            assert_eq!(refused(sql).code(), "sql_not_allowed", "{sql}");
        }
        assert_eq!(refused("SELECT 1; SELECT 2").code(), "multiple_statements");
        assert_eq!(refused("  ; ").code(), "empty_sql");
        let e = refused("SELECT * FROM read_parquet('/etc/passwd')");
        assert_eq!(e.code(), "sql_not_allowed");
        assert!(e.to_string().contains("read_parquet"), "{e}");
        assert_eq!(
            refused("SELECT * FROM generate_series(1, 10)").code(),
            "sql_not_allowed"
        );
    }

    #[test]
    fn statement_names() {
        assert_eq!(statement_kind("drop table x"), "DROP TABLE");
        assert_eq!(statement_kind("insert into x values (1)"), "INSERT");
    }
}
