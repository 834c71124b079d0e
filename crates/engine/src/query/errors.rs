//! Turns DataFusion errors into engine errors a person can act on:
//! closest column names for typos, positions for syntax errors, types for mismatches.

use datafusion::common::SchemaError;
use datafusion::error::DataFusionError;

use crate::error::Error;

/// Map a DataFusion error. `tables` are the names registered in the session,
/// used to suggest a table when an unknown one is referenced.
pub(crate) fn map_datafusion_error(e: DataFusionError, tables: &[String]) -> Error {
    map_root(e.find_root(), tables)
}

fn map_root(e: &DataFusionError, tables: &[String]) -> Error {
    match e {
        DataFusionError::SchemaError(schema_error, _) => match schema_error.as_ref() {
            SchemaError::FieldNotFound {
                field,
                valid_fields,
            } => {
                let candidates: Vec<String> = valid_fields.iter().map(|c| c.name.clone()).collect();
                Error::UnknownColumn {
                    column: field.name.clone(),
                    suggestions: closest(&field.name, &candidates),
                }
            }
            SchemaError::AmbiguousReference { field } => Error::InvalidQuery {
                message: format!(
                    "column `{}` exists in more than one table; qualify it as table.{}",
                    field.name, field.name
                ),
            },
            other => Error::InvalidQuery {
                message: other.to_string(),
            },
        },
        DataFusionError::SQL(parser_error, _) => {
            let message = parser_error.to_string();
            let position = parse_position(&message);
            let message = message
                .trim_start_matches("sql parser error: ")
                .split(" at Line: ")
                .next()
                .unwrap_or_default()
                .to_string();
            Error::SqlSyntax { message, position }
        }
        DataFusionError::Plan(msg) => map_plan_message(msg, tables),
        DataFusionError::NotImplemented(msg) => Error::InvalidQuery {
            message: format!("not supported: {msg}"),
        },
        DataFusionError::ResourcesExhausted(_) => Error::QueryMemoryExceeded { limit_bytes: 0 },
        DataFusionError::ArrowError(arrow_error, _) => {
            let msg = arrow_error.to_string();
            if msg.contains("Cast error") || msg.contains("Cannot cast") {
                Error::TypeMismatch {
                    message: format!(
                        "{msg}; use a value of the column's type or CAST it explicitly"
                    ),
                }
            } else if msg.contains("Divide by zero") {
                Error::QueryFailed {
                    message: "division by zero; guard the divisor with NULLIF(x, 0)".into(),
                }
            } else {
                Error::QueryFailed { message: msg }
            }
        }
        DataFusionError::Execution(msg) => {
            if msg.contains("Resources exhausted") {
                Error::QueryMemoryExceeded { limit_bytes: 0 }
            } else {
                Error::QueryFailed {
                    message: msg.clone(),
                }
            }
        }
        DataFusionError::External(inner) => {
            if let Some(df) = inner.downcast_ref::<DataFusionError>() {
                map_root(df.find_root(), tables)
            } else {
                Error::Internal(inner.to_string())
            }
        }
        other => {
            let msg = other.to_string();
            if msg.contains("Resources exhausted") {
                Error::QueryMemoryExceeded { limit_bytes: 0 }
            } else {
                Error::Internal(msg)
            }
        }
    }
}

fn map_plan_message(msg: &str, tables: &[String]) -> Error {
    let lower = msg.to_ascii_lowercase();
    if lower.starts_with("table '") && lower.contains("not found") {
        let full = msg.split('\'').nth(1).unwrap_or_default();
        let table = full.rsplit('.').next().unwrap_or(full).to_string();
        return Error::UnknownTable {
            suggestions: closest(&table, tables),
            table,
        };
    }
    if lower.starts_with("invalid function") {
        let function = msg.split('\'').nth(1).unwrap_or_default().to_string();
        let suggestions = msg
            .split("Did you mean '")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .map(|s| vec![s.to_string()])
            .unwrap_or_default();
        return Error::UnknownFunction {
            function,
            suggestions,
        };
    }
    if lower.contains("table function") && lower.contains("not found") {
        return Error::SqlNotAllowed {
            statement: "table functions".into(),
        };
    }
    if lower.contains("coerce")
        || lower.contains("cannot infer common")
        || lower.contains("no function matches")
        || lower.contains("does not support")
        || lower.contains("failed to coerce")
    {
        return Error::TypeMismatch {
            message: format!(
                "{}; CAST the value or column to a matching type",
                first_line(msg)
            ),
        };
    }
    Error::InvalidQuery {
        message: first_line(msg).to_string(),
    }
}

fn first_line(msg: &str) -> &str {
    msg.lines().next().unwrap_or(msg).trim()
}

/// `... at Line: 1, Column: 8` -> (1, 8)
fn parse_position(msg: &str) -> Option<(u64, u64)> {
    let rest = msg.rsplit("Line: ").next()?;
    let mut parts = rest.split(", Column: ");
    let line = parts.next()?.trim().parse().ok()?;
    let col: String = parts
        .next()?
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    Some((line, col.parse().ok()?))
}

/// Up to three names closest to `wanted`, best first (case-insensitive Jaro-Winkler,
/// with a bonus for one name containing the other, as in `rev` -> `revenue`).
pub(crate) fn closest(wanted: &str, candidates: &[String]) -> Vec<String> {
    let w = wanted.to_lowercase();
    let mut scored: Vec<(f64, &String)> = candidates
        .iter()
        .map(|c| {
            let cl = c.to_lowercase();
            let mut s = strsim::jaro_winkler(&w, &cl);
            if !w.is_empty() && (cl.contains(&w) || w.contains(&cl)) {
                s = s.max(0.85);
            }
            (s, c)
        })
        .filter(|(s, _)| *s >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, c) in scored {
        if !out.contains(c) {
            out.push(c.clone());
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names() {
        let cols: Vec<String> = ["revenue", "region", "order_date", "quantity"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest("revnue", &cols)[0], "revenue");
        assert_eq!(closest("Region", &cols)[0], "region");
        assert!(closest("zzzz", &cols).is_empty());
    }

    #[test]
    fn positions() {
        assert_eq!(
            parse_position(
                "sql parser error: Expected: end of statement, found: x at Line: 1, Column: 10"
            ),
            Some((1, 10))
        );
        assert_eq!(parse_position("no position"), None);
    }
}
