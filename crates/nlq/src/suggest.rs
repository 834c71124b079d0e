//! Example questions built from a schema: shown by the web app and offered as
//! suggestions when the engine asks for clarification.

use crate::catalog::{Catalog, Role};
use crate::Schema;

/// 4–6 questions this engine can answer on this table.
pub fn suggest_questions(schema: &Schema) -> Vec<String> {
    let cat = Catalog::new(schema);
    let name = |i: usize| schema.columns[i].name.clone();
    // Measures: additive ones first (sales, quantity) — they make the best totals.
    let mut measures: Vec<usize> = cat
        .columns
        .iter()
        .filter(|c| c.role == Role::Measure && !c.year_like)
        .map(|c| c.index)
        .collect();
    measures.sort_by_key(|&i| !cat.columns[i].additive);
    let dims: Vec<usize> = cat
        .columns
        .iter()
        .filter(|c| c.role == Role::Dimension && !c.values.is_empty() && c.values.len() <= 50)
        .map(|c| c.index)
        .collect();
    let time = cat.time_column();
    let mut out = Vec::new();
    if let Some(&m) = measures.first() {
        let agg = if cat.columns[m].additive {
            "total"
        } else {
            "average"
        };
        out.push(format!("What is the {agg} {}?", name(m)));
        if let Some(&d) = dims.first() {
            out.push(format!("{agg} {} by {}", name(m), name(d)));
            out.push(format!("Which {} has the highest {}?", name(d), name(m)));
        }
        if time.is_some() {
            out.push(format!("monthly {agg} {}", name(m)));
        }
        if let (Some(&d), Some(v)) = (
            dims.get(1).or(dims.first()),
            dims.get(1)
                .or(dims.first())
                .and_then(|&d| cat.columns[d].values.first()),
        ) {
            let _ = d;
            out.push(format!("{agg} {} for {}", name(m), v.text));
        }
        if let Some(&m2) = measures.get(1) {
            out.push(format!(
                "top 5 {} by {}",
                dims.first()
                    .map(|&d| name(d))
                    .unwrap_or_else(|| "rows".into()),
                name(m2)
            ));
        }
    }
    if let Some(&d) = dims.first() {
        out.push(format!("How many rows are there for each {}?", name(d)));
    }
    out.push("How many rows are there?".into());
    out.dedup();
    out.truncate(6);
    out
}
