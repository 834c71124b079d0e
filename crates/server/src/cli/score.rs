//! The reference scoring rules of the shared question sets (`score.py`), in
//! Rust, so `insightiq eval` prints the same accuracy the scorer would.
//!
//! A prediction is right when it has as many rows as the gold answer and some
//! choice of distinct predicted columns reproduces the gold rows (as a multiset,
//! or in order when the item says `ordered`). Numbers compare by value (within
//! half a unit of the gold's last decimal for items with a `format`), dates as
//! ISO dates, strings case-, accent-, space- and footnote-insensitively.

use domain::NlEngine;
use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub table: String,
    pub question: String,
    pub answer: Value,
    #[serde(default)]
    pub today: Option<String>,
    #[serde(default)]
    pub ordered: bool,
    #[serde(default)]
    pub format: Option<Value>,
    #[serde(default)]
    pub level: Option<String>,
}

/// One line of a predictions file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Prediction {
    Answer {
        id: String,
        columns: Vec<String>,
        rows: Vec<Vec<Value>>,
        sql: String,
        /// `rules` or `llm`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        engine: Option<String>,
        /// The rules engine's confidence in its reading (0..1), for calibration.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        confidence: Option<f32>,
    },
    Abstained {
        id: String,
        abstained: bool,
        message: String,
    },
    Error {
        id: String,
        error: String,
    },
}

impl Prediction {
    pub fn answer(id: &str, result: &engine::QueryResult, sql: &str) -> Self {
        Prediction::Answer {
            id: id.to_string(),
            columns: result.columns.iter().map(|c| c.name.clone()).collect(),
            rows: result.rows.clone(),
            sql: sql.to_string(),
            engine: None,
            confidence: None,
        }
    }

    /// This answer marked with the engine that gave it and the rules engine's confidence.
    pub fn answered_by(mut self, by: NlEngine, with_confidence: Option<f32>) -> Self {
        if let Prediction::Answer {
            engine, confidence, ..
        } = &mut self
        {
            *engine = Some(by.as_str().to_string());
            *confidence = with_confidence;
        }
        self
    }

    pub fn abstained(id: &str, message: &str) -> Self {
        Prediction::Abstained {
            id: id.to_string(),
            abstained: true,
            message: message.to_string(),
        }
    }

    pub fn error(id: &str, error: &str) -> Self {
        Prediction::Error {
            id: id.to_string(),
            error: error.to_string(),
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Prediction::Answer { id, .. }
            | Prediction::Abstained { id, .. }
            | Prediction::Error { id, .. } => id,
        }
    }
}

#[derive(Debug, Default)]
pub struct Summary {
    pub total: usize,
    pub right: usize,
    pub wrong: usize,
    pub abstained: usize,
    pub errors: usize,
    /// Right and total per `level` (DABench).
    pub by_level: BTreeMap<String, (usize, usize)>,
    pub misses: Vec<(Item, Prediction)>,
}

impl Summary {
    pub fn accuracy(&self) -> f64 {
        self.right as f64 / self.total.max(1) as f64
    }

    pub fn wrong_rate(&self) -> f64 {
        self.wrong as f64 / self.total.max(1) as f64
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "total {}  right {}  wrong {}  abstained {}  errors {}  accuracy {:.3}  wrong-rate {:.3}",
            self.total,
            self.right,
            self.wrong,
            self.abstained,
            self.errors,
            self.accuracy(),
            self.wrong_rate()
        )
    }
}

pub fn score(items: &[Item], predictions: &[Prediction]) -> Summary {
    let by_id: BTreeMap<&str, &Prediction> = predictions.iter().map(|p| (p.id(), p)).collect();
    let mut s = Summary {
        total: items.len(),
        ..Default::default()
    };
    for item in items {
        let prediction = by_id.get(item.id.as_str()).copied();
        let right = match prediction {
            None | Some(Prediction::Error { .. }) => {
                s.errors += 1;
                false
            }
            Some(Prediction::Abstained { .. }) => {
                s.abstained += 1;
                false
            }
            Some(Prediction::Answer { rows, .. }) => {
                let ok = rows_match(
                    rows,
                    &gold_rows(&item.answer),
                    item.ordered,
                    item.format.is_some(),
                );
                if ok {
                    s.right += 1;
                } else {
                    s.wrong += 1;
                }
                ok
            }
        };
        if let Some(level) = &item.level {
            let entry = s.by_level.entry(level.clone()).or_default();
            entry.1 += 1;
            entry.0 += usize::from(right);
        }
        if !right {
            let p = prediction
                .cloned()
                .unwrap_or_else(|| Prediction::error(&item.id, "missing"));
            s.misses.push((item.clone(), p));
        }
    }
    s
}

fn gold_rows(answer: &Value) -> Vec<Vec<Value>> {
    answer
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| match r {
                    Value::Array(cells) => cells.clone(),
                    other => vec![other.clone()],
                })
                .collect()
        })
        .unwrap_or_default()
}

static FOOTNOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\s*\[[^\]]{1,6}\]|[*\u{2020}\u{2021}#])+$").expect("valid regex")
});
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-+]?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?%?$").expect("valid regex"));
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[ t](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:z|[+-]\d{2}:?\d{2})?$")
        .expect("valid regex")
});
static DECIMALS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-+]?\d+\.\d+$").expect("valid regex"));

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        other => other.to_string(),
    }
}

fn norm_str(raw: &str) -> String {
    let stripped: String = raw
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect();
    let quoted: String = stripped
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{00b4}' | '`' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2010}'..='\u{2014}' | '\u{2212}' => '-',
            other => other,
        })
        .collect();
    let mut s = quoted.split_whitespace().collect::<Vec<_>>().join(" ");
    s = FOOTNOTE.replace(&s, "").trim().to_string();
    if s.ends_with('.') {
        s.pop();
    }
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s = s[1..s.len() - 1].to_string();
    }
    s.to_lowercase().trim().to_string()
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(_) | Value::Null => None,
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::String(raw) => {
            let s = norm_str(raw).replace(' ', "");
            if s.is_empty() || !s.chars().any(|c| c.is_ascii_digit()) || !NUMBER.is_match(&s) {
                return None;
            }
            s.trim_end_matches('%').replace(',', "").parse().ok()
        }
        _ => None,
    }
}

fn as_date(v: &Value) -> Option<String> {
    let Value::String(s) = v else { return None };
    let lower = s.trim().to_lowercase();
    let m = DATE.captures(&lower)?;
    let get = |i: usize| m.get(i).map(|x| x.as_str());
    let base = format!("{}-{}-{}", get(1)?, get(2)?, get(3).unwrap_or("01"));
    match (get(4), get(5), get(6).unwrap_or("00")) {
        (None, _, _) | (Some("00"), Some("00"), "00") => Some(base),
        (Some(h), Some(mi), sec) => Some(format!("{base} {h}:{mi}:{sec}")),
        _ => Some(base),
    }
}

fn decimals(g: &Value) -> Option<i32> {
    let Value::String(s) = g else { return None };
    let t = s.trim();
    DECIMALS
        .is_match(t)
        .then(|| t.split('.').nth(1).map_or(0, |d| d.len() as i32))
}

fn cell_match(p: &Value, g: &Value, rounded: bool) -> bool {
    if let (Some(pn), Some(gn)) = (as_number(p), as_number(g)) {
        if let Some(d) = decimals(g).filter(|_| rounded) {
            return (pn - gn).abs() <= 0.5 * 10f64.powi(-d) + 1e-9;
        }
        return (pn - gn).abs() <= (1e-6 * pn.abs().max(gn.abs())).max(1e-9);
    }
    if let (Some(pd), Some(gd)) = (as_date(p), as_date(g)) {
        return pd == gd;
    }
    norm_str(&text_of(p)) == norm_str(&text_of(g))
}

fn rows_match(pred: &[Vec<Value>], gold: &[Vec<Value>], ordered: bool, rounded: bool) -> bool {
    if pred.len() != gold.len() {
        return false;
    }
    let Some(first) = gold.first() else {
        return true;
    };
    let width = first.len();
    let ncols = pred.iter().map(Vec::len).max().unwrap_or(0);
    if ncols < width {
        return false;
    }
    let mut found = false;
    for_each_permutation(ncols, width, &mut |cols| {
        let row_ok = |pr: &Vec<Value>, gr: &Vec<Value>| {
            cols.iter()
                .zip(gr)
                .all(|(&c, g)| cell_match(pr.get(c).unwrap_or(&Value::Null), g, rounded))
        };
        found = if ordered {
            pred.iter().zip(gold).all(|(pr, gr)| row_ok(pr, gr))
        } else {
            let mut used = vec![false; pred.len()];
            gold.iter().all(|gr| {
                match (0..pred.len()).find(|&i| !used[i] && row_ok(&pred[i], gr)) {
                    Some(i) => {
                        used[i] = true;
                        true
                    }
                    None => false,
                }
            })
        };
        found
    });
    found
}

/// Calls `visit` with each ordered choice of `k` distinct indices below `n`
/// (in `itertools.permutations` order) until it returns true.
fn for_each_permutation(n: usize, k: usize, visit: &mut dyn FnMut(&[usize]) -> bool) {
    fn go(
        n: usize,
        k: usize,
        chosen: &mut Vec<usize>,
        visit: &mut dyn FnMut(&[usize]) -> bool,
    ) -> bool {
        if chosen.len() == k {
            return visit(chosen);
        }
        for i in 0..n {
            if !chosen.contains(&i) {
                chosen.push(i);
                if go(n, k, chosen, visit) {
                    return true;
                }
                chosen.pop();
            }
        }
        false
    }
    go(n, k, &mut Vec::with_capacity(k), visit);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(v: Value) -> Vec<Vec<Value>> {
        gold_rows(&v)
    }

    #[test]
    fn cells_compare_like_the_reference_scorer() {
        assert!(cell_match(&json!(1234.0), &json!("1,234"), false));
        assert!(cell_match(&json!("12%"), &json!(12), false));
        assert!(cell_match(&json!(0.1 + 0.2), &json!(0.3), false));
        assert!(!cell_match(&json!(1.01), &json!(1.0), false));
        assert!(
            cell_match(&json!(1.23456), &json!("1.23"), true),
            "rounded to the gold's decimals"
        );
        assert!(!cell_match(&json!(1.24), &json!("1.22"), true));
        assert!(cell_match(
            &json!("2019-01-01T00:00:00"),
            &json!("2019-01"),
            false
        ));
        assert!(cell_match(
            &json!("Café  Müller[1]"),
            &json!("cafe muller"),
            false
        ));
        assert!(
            !cell_match(&json!(true), &json!(1), false),
            "booleans are not numbers"
        );
    }

    #[test]
    fn rows_match_with_extra_columns_and_any_order() {
        let gold = rows(json!([["a", 1], ["b", 2]]));
        assert!(rows_match(
            &rows(json!([[2, "b", "x"], [1, "a", "y"]])),
            &gold,
            false,
            false
        ));
        assert!(
            !rows_match(&rows(json!([[2, "b"], [1, "a"]])), &gold, true, false),
            "order matters when ordered"
        );
        assert!(
            !rows_match(&rows(json!([["a", 1]])), &gold, false, false),
            "row count must match"
        );
        assert!(
            rows_match(&rows(json!([[5]])), &rows(json!([5])), false, false),
            "flat gold lists"
        );
    }

    #[test]
    fn summary_counts_every_outcome() {
        let item = |id: &str, answer: Value| Item {
            id: id.into(),
            table: "t.csv".into(),
            question: "q".into(),
            answer,
            today: None,
            ordered: false,
            format: None,
            level: Some("easy".into()),
        };
        let items = vec![
            item("1", json!([1])),
            item("2", json!([2])),
            item("3", json!([3])),
            item("4", json!([4])),
        ];
        let result = |v: i64| Prediction::Answer {
            id: String::new(),
            columns: vec!["x".into()],
            rows: vec![vec![json!(v)]],
            sql: String::new(),
            engine: None,
            confidence: None,
        };
        let mut right = result(1);
        if let Prediction::Answer { id, .. } = &mut right {
            *id = "1".into();
        }
        let mut wrong = result(9);
        if let Prediction::Answer { id, .. } = &mut wrong {
            *id = "2".into();
        }
        let preds = vec![right, wrong, Prediction::abstained("3", "unsure")];
        let s = score(&items, &preds);
        assert_eq!((s.right, s.wrong, s.abstained, s.errors), (1, 1, 1, 1));
        assert_eq!(s.by_level["easy"], (1, 4));
        assert_eq!(
            s.to_string(),
            "total 4  right 1  wrong 1  abstained 1  errors 1  accuracy 0.250  wrong-rate 0.250"
        );
    }
}
