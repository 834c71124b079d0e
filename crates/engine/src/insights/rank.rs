//! The order findings are shown in. Each finding's `score` measures its own effect size
//! and surprise; the ranking then discounts a finding for every one ranked before it of
//! the same kind or about the same columns, so the first screen covers different things
//! (a trend, a segment, a concentration, an anomaly…) rather than eight variations of one.

use std::collections::HashMap;

use super::{Insight, InsightKind};

/// Factor per earlier finding of the same kind.
const SAME_KIND: f64 = 0.8;
/// Factor per earlier finding naming one of the same columns.
const SAME_SUBJECT: f64 = 0.85;

/// `found` in ranked order (greedy: each step takes the best discounted score; ties by
/// kind and title so equal scores never reorder between runs).
pub fn rank(mut found: Vec<Insight>) -> Vec<Insight> {
    let mut kinds: HashMap<InsightKind, i32> = HashMap::new();
    let mut subjects: HashMap<String, i32> = HashMap::new();
    let mut ranked = Vec::with_capacity(found.len());
    while !found.is_empty() {
        let adjusted = |i: &Insight| {
            let kind = SAME_KIND.powi(kinds.get(&i.kind).copied().unwrap_or(0));
            let repeats: i32 = subjects_of(i)
                .iter()
                .map(|s| subjects.get(s).copied().unwrap_or(0))
                .sum();
            i.score * kind * SAME_SUBJECT.powi(repeats)
        };
        let best = (0..found.len())
            .max_by(|&a, &b| {
                let (x, y) = (&found[a], &found[b]);
                adjusted(x)
                    .total_cmp(&adjusted(y))
                    .then_with(|| (y.kind as u8).cmp(&(x.kind as u8)))
                    .then_with(|| y.title.cmp(&x.title))
            })
            .expect("found is not empty");
        let next = found.swap_remove(best);
        *kinds.entry(next.kind).or_default() += 1;
        for s in subjects_of(&next) {
            *subjects.entry(s).or_default() += 1;
        }
        ranked.push(next);
    }
    ranked
}

/// The columns a finding is about, as its numbers name them.
fn subjects_of(insight: &Insight) -> Vec<String> {
    ["measure", "dimension", "column", "x", "y", "time_column"]
        .iter()
        .filter_map(|k| insight.numbers.get(*k)?.as_str())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{ChartSpec, ChartType};
    use serde_json::json;

    fn finding(kind: InsightKind, title: &str, score: f64, measure: &str) -> Insight {
        Insight {
            kind,
            title: title.into(),
            explanation: String::new(),
            score,
            numbers: json!({ "measure": measure }),
            sql: String::new(),
            chart: ChartSpec::new(ChartType::Table, ""),
            question: String::new(),
            result: None,
        }
    }

    #[test]
    fn repeats_give_way_to_other_kinds() {
        let ranked = rank(vec![
            finding(InsightKind::Trend, "a", 0.9, "revenue"),
            finding(InsightKind::Trend, "b", 0.85, "cost"),
            finding(InsightKind::Trend, "c", 0.8, "units"),
            finding(InsightKind::SegmentDifference, "d", 0.7, "basket"),
        ]);
        let titles: Vec<&str> = ranked.iter().map(|i| i.title.as_str()).collect();
        // 0.85 × 0.8 = 0.68 < 0.7: the segment difference comes second.
        assert_eq!(titles, ["a", "d", "b", "c"]);
    }

    #[test]
    fn the_same_column_twice_is_discounted() {
        let ranked = rank(vec![
            finding(InsightKind::Trend, "revenue trend", 0.9, "revenue"),
            finding(InsightKind::Anomaly, "revenue spike", 0.8, "revenue"),
            finding(InsightKind::Anomaly, "visits spike", 0.75, "visits"),
        ]);
        assert_eq!(ranked[1].title, "visits spike");
    }
}
