//! Findings that say one thing about several measures — every total peaks in December,
//! rows, revenue and units all jump in March 2024 — are one finding. The finders group
//! theirs with [`by_key`] and name every measure in the strongest one's card.

use std::collections::BTreeMap;

use super::Insight;

/// `found` (each with the words naming its measure) grouped by `key`: per group, the
/// highest-scoring finding and the names of all members, its own first. Groups come out
/// in the order of their first member.
pub fn by_key<K: Ord>(
    found: Vec<(Insight, String)>,
    key: impl Fn(&Insight) -> K,
) -> Vec<(Insight, Vec<String>)> {
    let mut order: Vec<K> = Vec::new();
    let mut groups: BTreeMap<usize, Vec<(Insight, String)>> = BTreeMap::new();
    for (insight, name) in found {
        let k = key(&insight);
        let slot = match order.iter().position(|o| *o == k) {
            Some(slot) => slot,
            None => {
                order.push(k);
                order.len() - 1
            }
        };
        groups.entry(slot).or_default().push((insight, name));
    }
    groups
        .into_values()
        .map(|mut members| {
            // Stable: equal scores keep the finders' order.
            members.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
            let names = members.iter().map(|m| m.1.clone()).collect();
            let best = members.swap_remove(0).0;
            (best, names)
        })
        .collect()
}

/// "a", "a and b", "a, b and c".
pub fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::InsightKind;
    use domain::{ChartSpec, ChartType};

    fn finding(title: &str, score: f64, period: &str) -> (Insight, String) {
        let insight = Insight {
            kind: InsightKind::Anomaly,
            title: title.into(),
            explanation: String::new(),
            score,
            numbers: serde_json::json!({ "period": period }),
            sql: String::new(),
            chart: ChartSpec::new(ChartType::Line, ""),
            question: String::new(),
            result: None,
        };
        (insight, title.to_string())
    }

    #[test]
    fn the_strongest_speaks_for_its_group() {
        let groups = by_key(
            vec![
                finding("rows", 0.6, "March"),
                finding("visits", 0.7, "June"),
                finding("revenue", 0.8, "March"),
            ],
            |i| i.numbers["period"].as_str().unwrap_or_default().to_string(),
        );
        let summary: Vec<(&str, Vec<String>)> = groups
            .iter()
            .map(|(best, names)| (best.title.as_str(), names.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                ("revenue", vec!["revenue".to_string(), "rows".to_string()]),
                ("visits", vec!["visits".to_string()]),
            ]
        );
        assert_eq!(join_names(&["a", "b", "c"]), "a, b and c");
    }
}
