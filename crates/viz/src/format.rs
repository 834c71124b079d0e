//! Number formats for chart values, guessed from the measure's name and type:
//! money words -> currency, rates and shares -> percent, counts -> integer.

use crate::{ColumnType, DisplayFormat};

const MONEY: &[&str] = &[
    "revenue", "sales", "price", "cost", "amount", "income", "profit", "fare", "spend", "salary",
    "budget", "usd", "eur", "dollar", "payment", "bill", "tip", "gdp",
];
const PERCENT: &[&str] = &["percent", "pct", "share", "ratio", "rate", "percentage"];

/// Format for a measure column.
pub fn number_format(name: &str, data_type: ColumnType) -> DisplayFormat {
    let n = name.to_lowercase();
    let words: Vec<&str> = n
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.iter().any(|l| w.starts_with(l)));
    if words
        .first()
        .is_some_and(|w| matches!(*w, "count" | "distinct" | "missing"))
    {
        return DisplayFormat::Integer;
    }
    if has(PERCENT) {
        return DisplayFormat::Percent;
    }
    if has(MONEY) {
        return DisplayFormat::Currency;
    }
    if data_type == ColumnType::Integer {
        DisplayFormat::Integer
    } else {
        DisplayFormat::Number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(
            number_format("sum_revenue", ColumnType::Float),
            DisplayFormat::Currency
        );
        assert_eq!(
            number_format("count", ColumnType::Integer),
            DisplayFormat::Integer
        );
        assert_eq!(
            number_format("avg_survival_rate", ColumnType::Float),
            DisplayFormat::Percent
        );
        assert_eq!(
            number_format("avg_body_mass_g", ColumnType::Float),
            DisplayFormat::Number
        );
    }
}
