//! Reading the model's reply: the JSON object the prompt asks for, the same
//! object wrapped in prose or a ```json fence, or failing both, the SQL alone
//! from a ```sql fence or the first SELECT/WITH of the text.

use domain::ChartType;
use serde::{Deserialize, Serialize};

/// What the model answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmReply {
    pub sql: String,
    pub chart: Option<ChartType>,
    pub explanation: String,
    pub assumptions: Vec<String>,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    sql: String,
    #[serde(default)]
    chart: Option<String>,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    assumptions: Vec<String>,
}

/// The reply in `text`, or why none could be read (sent back to the model).
pub fn parse(text: &str) -> Result<LlmReply, String> {
    let reply = as_json(text).or_else(|| {
        sql_in_text(text).map(|sql| LlmReply {
            sql,
            chart: None,
            explanation: String::new(),
            assumptions: Vec::new(),
        })
    });
    match reply {
        Some(r) if !r.sql.trim().is_empty() => Ok(LlmReply {
            sql: r.sql.trim().trim_end_matches(';').trim().to_string(),
            ..r
        }),
        _ => Err("the reply held no SQL query; reply with the JSON object {\"sql\": ...}".into()),
    }
}

fn as_json(text: &str) -> Option<LlmReply> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    let raw: Raw = serde_json::from_str(text.get(start..=end)?).ok()?;
    Some(LlmReply {
        sql: raw.sql,
        chart: raw.chart.and_then(|c| c.trim().to_lowercase().parse().ok()),
        explanation: raw.explanation.trim().to_string(),
        assumptions: raw
            .assumptions
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
    })
}

/// The SQL the prompt asks for when the columns cannot answer the question.
pub const DECLINE_SQL: &str = "SELECT 'cannot answer' AS note";

impl LlmReply {
    /// Whether the model said the table cannot answer (the prompt's
    /// [`DECLINE_SQL`], however it is spaced or cased, and reading no table).
    pub fn declines(&self) -> bool {
        let sql = self.sql.to_ascii_lowercase();
        sql.contains("'cannot answer'") && !sql.contains(" from ")
    }
}

fn sql_in_text(text: &str) -> Option<String> {
    if let Some(fenced) = text.split("```sql").nth(1) {
        return fenced.split("```").next().map(str::to_string);
    }
    let start = query_start(text)?;
    let rest = &text[start..];
    let end = rest.find("```").unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// Where the first `SELECT …` or `WITH name AS (…` starts, as whole words
/// (so prose such as "help with that" is not taken for a query).
fn query_start(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let starts_word = |i: usize| {
        lower[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_')
    };
    lower
        .match_indices("select ")
        .map(|(i, _)| i)
        .chain(lower.match_indices("with ").map(|(i, _)| i).filter(|&i| {
            let mut words = lower[i + 5..].split_whitespace();
            words.next().is_some() && words.next().is_some_and(|w| w.starts_with("as"))
        }))
        .filter(|&i| starts_word(i))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declined_question_is_recognized() {
        let declined = parse(
            r#"{"sql": "select 'cannot answer' as note;", "explanation": "No cost column."}"#,
        )
        .unwrap();
        assert!(declined.declines());
        let answer =
            parse(r#"{"sql": "SELECT 'cannot answer' AS note, COUNT(*) FROM data"}"#).unwrap();
        assert!(!answer.declines());
    }

    #[test]
    fn reads_the_json_object_even_inside_a_fence() {
        let r = parse(
            "```json\n{\"sql\": \"SELECT SUM(\\\"total\\\") AS revenue FROM data;\", \"chart\": \"KPI\", \
             \"explanation\": \"Adds up total.\", \"assumptions\": [\"revenue means total\", \"\"]}\n```",
        )
        .unwrap();
        assert_eq!(r.sql, r#"SELECT SUM("total") AS revenue FROM data"#);
        assert_eq!(r.chart, Some(ChartType::Kpi));
        assert_eq!(r.assumptions, ["revenue means total"]);
    }

    #[test]
    fn falls_back_to_the_sql_in_the_text() {
        let fenced = parse("Here you go:\n```sql\nSELECT 1 FROM data\n```").unwrap();
        assert_eq!(fenced.sql, "SELECT 1 FROM data");
        let bare = parse("The query is SELECT city FROM data;").unwrap();
        assert_eq!(bare.sql, "SELECT city FROM data");
        assert!(parse("I cannot help with that.").is_err());
        let cte = parse("Try: WITH t AS (SELECT 1 AS x FROM data) SELECT x FROM t").unwrap();
        assert_eq!(
            cte.sql,
            "WITH t AS (SELECT 1 AS x FROM data) SELECT x FROM t"
        );
        assert!(parse(r#"{"sql": ""}"#).is_err());
    }
}
