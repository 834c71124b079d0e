//! Whether two answers to one question say the same thing: the same number of rows, and
//! each row of the narrower result found in a row of the other (columns in any order,
//! extra columns allowed, numbers equal to six significant digits, text regardless of
//! case). `auto` gives a model's answer only when a second, independent reading agrees.

use serde_json::Value;

/// Compares two results' rows as described in the module docs.
pub fn results_agree(a: &[Vec<Value>], b: &[Vec<Value>]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let canonical = |rows: &[Vec<Value>]| -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| {
                let mut cells: Vec<String> = r.iter().map(cell).collect();
                cells.sort();
                cells
            })
            .collect()
    };
    let (mut narrow, mut wide) = (canonical(a), canonical(b));
    if narrow.first().map_or(0, Vec::len) > wide.first().map_or(0, Vec::len) {
        std::mem::swap(&mut narrow, &mut wide);
    }
    let mut used = vec![false; wide.len()];
    narrow.iter().all(|row| {
        let found = (0..wide.len()).find(|&j| !used[j] && contains(&wide[j], row));
        if let Some(j) = found {
            used[j] = true;
        }
        found.is_some()
    })
}

/// Whether the sorted multiset `outer` holds every element of the sorted multiset `inner`.
fn contains(outer: &[String], inner: &[String]) -> bool {
    let mut rest = outer.iter();
    inner.iter().all(|x| rest.by_ref().any(|y| y == x))
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().map(number).unwrap_or_else(|| n.to_string()),
        Value::String(s) => {
            let t = s.trim();
            // Numbers written as text (decimals) compare as numbers.
            match t.parse::<f64>() {
                Ok(x) if x.is_finite() => number(x),
                _ => t.to_lowercase(),
            }
        }
        other => other.to_string(),
    }
}

fn number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    format!("{:.5e}", x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(v: Value) -> Vec<Vec<Value>> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn column_order_names_and_extra_columns_do_not_matter() {
        let a = rows(json!([["Paris", 10.0], ["Rome", 3]]));
        let b = rows(json!([[3.0, "rome", 2], [10, "PARIS", 1]]));
        assert!(results_agree(&a, &b));
        assert!(results_agree(
            &rows(json!([[0.1 + 0.2]])),
            &rows(json!([[0.3]]))
        ));
    }

    #[test]
    fn different_numbers_or_row_counts_disagree() {
        assert!(!results_agree(&rows(json!([[10]])), &rows(json!([[11]]))));
        assert!(!results_agree(
            &rows(json!([[1], [2]])),
            &rows(json!([[1]]))
        ));
        // One row may not stand in for two.
        assert!(!results_agree(
            &rows(json!([["a"], ["a"]])),
            &rows(json!([["a", 1], ["b", 2]]))
        ));
    }
}
