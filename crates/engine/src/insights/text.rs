//! How findings are written down: SQL identifiers and literals, readable numbers,
//! percentages and period labels, rounded report numbers and chart specs.

use chrono::{DateTime, Datelike};
use domain::{ChartSpec, ChartType};
use serde_json::{json, Value};

use super::series::Grain;

pub use domain::sql::quote_ident as ident;

/// A float as a SQL literal that DataFusion parses back exactly.
pub fn number_literal(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains('e') || s.contains('.') {
        format!("CAST({s} AS DOUBLE)")
    } else {
        format!("CAST({s}.0 AS DOUBLE)")
    }
}

/// Round to 10 significant digits: report numbers come out of parallel float sums whose
/// last bits depend on scheduling, and the report must be identical run to run.
pub fn round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return if x.is_finite() { 0.0 } else { x };
    }
    let digits = 10 - 1 - x.abs().log10().floor() as i32;
    if !(-300..=300).contains(&digits) {
        return x;
    }
    let factor = 10f64.powi(digits);
    (x * factor).round() / factor
}

/// A JSON number rounded with [`round`] (null for NaN and infinities).
pub fn num(x: f64) -> Value {
    if x.is_finite() {
        json!(round(x))
    } else {
        Value::Null
    }
}

/// A number for a sentence: `1,234`, `12.5`, `0.0123`.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let a = x.abs();
    if a >= 100.0 {
        let rounded = x.round() as i64;
        group_thousands(rounded)
    } else if a >= 1.0 {
        trim_zeros(format!("{x:.2}"))
    } else if a == 0.0 {
        "0".into()
    } else {
        let decimals = (2 - a.log10().floor() as i32).clamp(2, 12) as usize;
        trim_zeros(format!("{x:.decimals$}"))
    }
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A share as a percentage: `62%`, `4.5%`, `0.3%`.
pub fn fmt_pct(share: f64) -> String {
    let p = share * 100.0;
    if p.abs() >= 10.0 {
        format!("{}%", p.round())
    } else {
        format!("{}%", trim_zeros(format!("{p:.1}")))
    }
}

/// A p-value for a sentence.
pub fn fmt_p(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {p:.3}")
    }
}

/// The label of the period starting at `epoch_seconds`.
pub fn period_label(epoch_seconds: i64, grain: Grain) -> String {
    let Some(t) = DateTime::from_timestamp(epoch_seconds, 0) else {
        return epoch_seconds.to_string();
    };
    match grain {
        Grain::Day => t.format("%Y-%m-%d").to_string(),
        Grain::Week => format!("the week of {}", t.format("%Y-%m-%d")),
        Grain::Month => t.format("%B %Y").to_string(),
        Grain::Year => t.year().to_string(),
    }
}

/// A suggested chart whose keys are columns of the finding's SQL result.
pub fn chart(chart_type: ChartType, title: &str, x_key: &str, y_keys: &[&str]) -> ChartSpec {
    ChartSpec {
        x_key: Some(x_key.to_string()),
        y_keys: y_keys.iter().map(|k| k.to_string()).collect(),
        ..ChartSpec::new(chart_type, title)
    }
}

/// Capitalise the first letter of a display name for a title.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_num(1234567.4), "1,234,567");
        assert_eq!(fmt_num(-1500.0), "-1,500");
        assert_eq!(fmt_num(12.5), "12.5");
        assert_eq!(fmt_num(0.012345), "0.0123");
        assert_eq!(fmt_pct(0.623), "62%");
        assert_eq!(fmt_pct(0.045), "4.5%");
        assert_eq!(round(0.1 + 0.2), 0.3);
    }

    #[test]
    fn period_labels() {
        // 2024-03-01T00:00:00Z
        assert_eq!(period_label(1_709_251_200, Grain::Month), "March 2024");
        assert_eq!(period_label(1_709_251_200, Grain::Day), "2024-03-01");
        assert_eq!(period_label(1_709_251_200, Grain::Year), "2024");
    }
}
