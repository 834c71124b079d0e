//! Data quality: missing values, constant columns and numbers stored as text (from the
//! profile), and exact duplicate rows (one grouping query over every column).

use domain::ChartType;
use serde_json::json;

use super::context::Ctx;
use super::profile::Profile;
use super::text::{capitalise, chart, fmt_num, fmt_pct, ident, num};
use super::{Insight, InsightKind};
use crate::error::Result;
use crate::types::ColumnType;

/// Share of empty values from which a column is worth a warning.
const MIN_NULL_SHARE: f64 = 0.05;
/// Share of text values that must parse as numbers to call it "numbers stored as text".
const MIN_NUMERIC_TEXT_SHARE: f64 = 0.95;

/// Findings that need nothing but the profile.
pub fn from_profile(profile: &Profile) -> Vec<Insight> {
    let mut found = Vec::new();
    if profile.rows < 10 {
        return found;
    }
    let rows = profile.rows as f64;
    for c in &profile.columns {
        let name = &c.column.name;
        let q = c.sql();
        let missing = profile.rows.saturating_sub(c.non_null);
        let share = missing as f64 / rows;
        if share >= MIN_NULL_SHARE {
            found.push(Insight {
                kind: InsightKind::DataQuality,
                title: if missing == profile.rows {
                    format!("{} is always empty", capitalise(name))
                } else {
                    format!("{} is missing in {} of rows", capitalise(name), fmt_pct(share))
                },
                explanation: format!(
                    "{} has no value in {} of {} rows ({}), so totals and averages over it leave those rows out.",
                    capitalise(name),
                    fmt_num(missing as f64),
                    fmt_num(rows),
                    fmt_pct(share)
                ),
                score: 0.2 + 0.3 * share,
                numbers: json!({
                    "issue": "missing_values",
                    "column": name,
                    "missing": missing,
                    "rows": profile.rows,
                    "missing_percent": num(share * 100.0),
                }),
                sql: format!(
                    "SELECT CASE WHEN {q} IS NULL THEN 'missing' ELSE 'present' END AS {value}, COUNT(*) AS row_count \
                     FROM data GROUP BY 1 ORDER BY 1 DESC"
                , value = ident(name)),
                chart: chart(ChartType::Pie, &format!("Rows with and without {name}"), name, &["row_count"]),
                question: format!("how many rows have no {name}"),
                result: None,
            });
        }
        if c.is_constant() && c.non_null >= 10 {
            let value = match c.ty() {
                ColumnType::String => c.min_text.clone().map(|t| format!("\"{t}\"")),
                ColumnType::Integer | ColumnType::Float => c.min.map(fmt_num),
                _ => None,
            };
            found.push(Insight {
                kind: InsightKind::DataQuality,
                title: format!("{} never changes", capitalise(name)),
                explanation: format!(
                    "Every non-empty value of {name} is the same{}, so it cannot explain any difference between rows.",
                    value.map(|v| format!(" ({v})")).unwrap_or_default()
                ),
                score: 0.25,
                numbers: json!({
                    "issue": "constant_column",
                    "column": name,
                    "non_null": c.non_null,
                }),
                sql: format!("SELECT {q}, COUNT(*) AS row_count FROM data GROUP BY 1 ORDER BY 2 DESC"),
                chart: chart(ChartType::Table, &format!("Values of {name}"), &c.column.sql_name, &["row_count"]),
                question: format!("number of rows by {name}"),
                result: None,
            });
        }
        let numeric_share = c.numeric_text as f64 / c.non_null.max(1) as f64;
        // Codes with leading zeros (zip codes, account numbers) are text on purpose.
        let codes = c.leading_zero as f64 > 0.01 * c.numeric_text as f64;
        if c.ty() == ColumnType::String
            && c.non_null >= 5
            && numeric_share >= MIN_NUMERIC_TEXT_SHARE
            && !codes
        {
            found.push(Insight {
                kind: InsightKind::DataQuality,
                title: format!("{} holds numbers stored as text", capitalise(name)),
                explanation: format!(
                    "{} of {} values of {name} ({}) are numbers, but the column is text, so it cannot be summed or averaged until it is converted.",
                    fmt_num(c.numeric_text as f64),
                    fmt_num(c.non_null as f64),
                    fmt_pct(numeric_share)
                ),
                score: 0.35,
                numbers: json!({
                    "issue": "numbers_as_text",
                    "column": name,
                    "numeric_values": c.numeric_text,
                    "non_null": c.non_null,
                    "numeric_percent": num(numeric_share * 100.0),
                }),
                sql: format!(
                    "SELECT {q}, TRY_CAST(TRIM({q}) AS DOUBLE) AS as_number FROM data WHERE {q} IS NOT NULL LIMIT 100"
                ),
                chart: chart(ChartType::Table, &format!("{} as numbers", capitalise(name)), &c.column.sql_name, &["as_number"]),
                question: format!("{name} values that are numbers"),
                result: None,
            });
        }
    }
    found
}

/// Rows that are exact copies of another row.
pub async fn duplicates(ctx: &mut Ctx<'_>, profile: &Profile) -> Result<Vec<Insight>> {
    if profile.columns.is_empty() || profile.rows < 2 {
        return Ok(Vec::new());
    }
    let all: Vec<String> = profile.columns.iter().map(|c| c.sql()).collect();
    let all = all.join(", ");
    let sql = format!(
        "SELECT COUNT(*) AS distinct_rows, SUM(copies) - COUNT(*) AS extra FROM \
         (SELECT COUNT(*) AS copies FROM data GROUP BY {all} HAVING COUNT(*) > 1) AS d"
    );
    let r = ctx.query(&sql).await?;
    let extra = r.u64(0, "extra");
    if extra == 0 {
        return Ok(Vec::new());
    }
    let share = extra as f64 / profile.rows as f64;
    let first = &profile.columns[0].column.sql_name;
    Ok(vec![Insight {
        kind: InsightKind::DataQuality,
        title: format!(
            "{} duplicate {}",
            fmt_num(extra as f64),
            if extra == 1 { "row" } else { "rows" }
        ),
        explanation: format!(
            "{} rows ({}) are exact copies of another row, which double-counts them in every total.",
            fmt_num(extra as f64),
            fmt_pct(share)
        ),
        score: 0.3 + 0.3 * (share * 5.0).min(1.0),
        numbers: json!({
            "issue": "duplicate_rows",
            "duplicate_rows": extra,
            "rows": profile.rows,
            "duplicate_percent": num(share * 100.0),
            "distinct_duplicated_rows": r.u64(0, "distinct_rows"),
        }),
        sql: format!(
            "SELECT {all}, COUNT(*) AS copies FROM data GROUP BY {all} HAVING COUNT(*) > 1 ORDER BY copies DESC"
        ),
        chart: chart(ChartType::Table, "Duplicate rows", first, &["copies"]),
        question: "duplicate rows".into(),
        result: None,
    }])
}
