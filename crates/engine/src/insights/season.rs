//! Seasonality: a series whose periods differ systematically by month of year (monthly
//! series with every month at least twice) or by day of week (daily series with every
//! weekday at least four times). Each period is divided by the series' linear trend at
//! that period, so a trend does not pass for a season; a one-way ANOVA over the calendar
//! positions then decides: eta² ≥ 0.3, Bonferroni-corrected p < 0.01 over all series
//! tested, and a swing of at least 10% between the highest and lowest position.

use domain::ChartType;
use serde_json::json;

use super::series::{Grain, Series};
use super::stats::{linear_fit, mean, one_way_anova, GroupSummary};
use super::text::{capitalise, chart, fmt_p, fmt_pct, ident, num};
use super::trend::describe;
use super::{fold, Insight, InsightKind};

const MIN_ETA_SQUARED: f64 = 0.3;
const MIN_SWING: f64 = 0.1;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
];

/// The calendar cycle of a grain: its length, the fewest observations of each position
/// needed, and each period's (cycle, position in the cycle).
struct Cycle {
    length: usize,
    min_cycles: usize,
    /// `(cycle, position)` of a period index.
    place: fn(i64) -> (i64, usize),
    names: &'static [&'static str],
    /// What a position is called in a sentence and in SQL.
    unit: &'static str,
    /// `to_char` pattern of the position label (sortable: number first).
    label_format: &'static str,
}

fn cycle(grain: Grain) -> Option<Cycle> {
    match grain {
        Grain::Month => Some(Cycle {
            length: 12,
            min_cycles: 2,
            place: |i| (i.div_euclid(12), i.rem_euclid(12) as usize),
            names: &MONTHS,
            unit: "month",
            label_format: "%m %b",
        }),
        // Day indexes count from 1970-01-01, a Thursday: +3 puts Monday at position 0.
        Grain::Day => Some(Cycle {
            length: 7,
            min_cycles: 4,
            place: |i| ((i + 3).div_euclid(7), (i + 3).rem_euclid(7) as usize),
            names: &WEEKDAYS,
            unit: "weekday",
            label_format: "%u %a",
        }),
        Grain::Week | Grain::Year => None,
    }
}

pub fn find(series: &[Series]) -> Vec<Insight> {
    let tested: Vec<(&Series, Cycle)> = series
        .iter()
        .filter_map(|s| Some((s, cycle(s.grain)?)))
        .collect();
    let tests = tested.len().max(1) as f64;
    let found: Vec<(Insight, String)> = tested
        .into_iter()
        .filter_map(|(s, c)| Some((seasonal(s, &c, tests)?, describe(s))))
        .collect();
    // Measures with the same peak and low (usually every total following the row count)
    // are one finding.
    fold::by_key(found, |i| {
        ["time_column", "cycle", "peak", "low"].map(|k| i.numbers[k].to_string())
    })
    .into_iter()
    .map(|(mut best, names)| {
        if names.len() > 1 {
            let grain = names[0].split(' ').next().unwrap_or_default().to_string();
            let rest: Vec<&str> = names[1..]
                .iter()
                .map(|n| n.strip_prefix(&format!("{grain} ")).unwrap_or(n))
                .collect();
            let (peak, low) = (best.numbers["peak"].clone(), best.numbers["low"].clone());
            let mut all = vec![names[0].as_str()];
            all.extend(&rest);
            best.title = format!(
                "{} peak in {} and dip in {}",
                capitalise(&fold::join_names(&all)),
                peak.as_str().unwrap_or_default(),
                low.as_str().unwrap_or_default()
            );
            best.explanation = format!(
                "{} {} follow the same pattern.",
                best.explanation,
                capitalise(&fold::join_names(&rest))
            );
            best.numbers["also"] = json!(rest);
        }
        best
    })
    .collect()
}

fn seasonal(series: &Series, c: &Cycle, tests: f64) -> Option<Insight> {
    // Each period as a share of the series' straight-line trend at that period, so a
    // steady rise within each year does not read as "December is highest".
    // Totals per average-length month first: February's missing days are not a season.
    let values: Vec<f64> = series
        .points
        .iter()
        .map(|&(index, value)| {
            if series.measure.additive {
                value * series.grain.length_factor(index)
            } else {
                value
            }
        })
        .collect();
    let fit = linear_fit(&values)?;
    let mut by_position: Vec<Vec<f64>> = vec![Vec::new(); c.length];
    for (i, (&(index, _), &value)) in series.points.iter().zip(&values).enumerate() {
        let expected = fit.at(i as f64);
        if expected > 0.0 {
            by_position[(c.place)(index).1].push(value / expected);
        }
    }
    let complete = by_position.iter().map(Vec::len).min().unwrap_or(0);
    if complete < c.min_cycles {
        return None;
    }
    let summaries: Vec<GroupSummary> = by_position
        .iter()
        .map(|v| {
            let m = mean(v);
            let n = v.len() as f64;
            let variance = if n > 1.0 {
                v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)
            } else {
                0.0
            };
            GroupSummary {
                n,
                mean: m,
                variance,
            }
        })
        .collect();
    let (_, p, eta2) = one_way_anova(&summaries)?;
    let p = (p * tests).min(1.0);
    let means: Vec<f64> = summaries.iter().map(|g| g.mean).collect();
    let (high, low) = extremes(&means)?;
    if p >= 0.01 || eta2 < MIN_ETA_SQUARED || means[high] - means[low] < MIN_SWING {
        return None;
    }
    let measure = describe(series);
    let (high_name, low_name) = (c.names[high], c.names[low]);
    let key = format!("average_{}", series.measure.key);
    let t = &series.time_sql;
    let grain = series.grain.sql();
    let sql = format!(
        "SELECT to_char(period, '{fmt}') AS {unit}, AVG(total) AS {k} FROM \
         (SELECT date_trunc('{grain}', {t}) AS period, {agg} AS total FROM data WHERE {t} IS NOT NULL GROUP BY 1) AS periods \
         GROUP BY 1 ORDER BY 1",
        fmt = c.label_format,
        unit = c.unit,
        k = ident(&key),
        agg = series.measure.aggregate,
    );
    Some(Insight {
        kind: InsightKind::Seasonality,
        title: format!(
            "{} peaks in {high_name} and dips in {low_name}",
            capitalise(&measure)
        ),
        explanation: format!(
            "Over {complete} {}s of data, {measure} in {high_name} averages {} {} its {} and in {low_name} {} {} it; the {} explains {} of the variation around the trend (eta² = {eta2:.2}, {}).",
            if c.length == 12 { "year" } else { "week" },
            fmt_pct((means[high] - 1.0).abs()),
            if means[high] >= 1.0 { "above" } else { "below" },
            "trend",
            fmt_pct((1.0 - means[low]).abs()),
            if means[low] <= 1.0 { "below" } else { "above" },
            c.unit,
            fmt_pct(eta2),
            fmt_p(p)
        ),
        score: 0.5 + 0.4 * ((eta2 - MIN_ETA_SQUARED) / (1.0 - MIN_ETA_SQUARED)).clamp(0.0, 1.0),
        numbers: json!({
            "time_column": series.time_name,
            "measure": series.measure.name,
            "aggregation": if series.measure.is_row_count { "count" } else { "sum" },
            "cycle": c.unit,
            "complete_cycles": complete,
            "peak": high_name,
            "peak_vs_trend_percent": num((means[high] - 1.0) * 100.0),
            "low": low_name,
            "low_vs_trend_percent": num((means[low] - 1.0) * 100.0),
            "eta_squared": num(eta2),
            "p_value": num(p),
        }),
        sql,
        chart: chart(
            ChartType::Bar,
            &format!("Average {measure} by {}", c.unit),
            c.unit,
            &[key.as_str()],
        ),
        question: format!("{measure} by {}", c.unit),
        result: None,
    })
}

/// Whether the monthly `season` accounts for `anomaly`: the same time column, a month
/// the season peaks (dips) in, and a value above (below) expectation.
pub fn explains(season: &Insight, anomaly: &Insight) -> bool {
    let (s, a) = (&season.numbers, &anomaly.numbers);
    let period = a["period"].as_str().unwrap_or_default();
    let month = |key: &str| {
        s[key]
            .as_str()
            .is_some_and(|m| period.starts_with(&format!("{m} ")))
    };
    s["cycle"] == "month"
        && a["grain"] == "month"
        && s["time_column"] == a["time_column"]
        && ((a["direction"] == "above" && month("peak"))
            || (a["direction"] == "below" && month("low")))
}

/// Positions of the highest and lowest values (first of ties).
fn extremes(values: &[f64]) -> Option<(usize, usize)> {
    let high =
        (0..values.len()).max_by(|&a, &b| values[a].total_cmp(&values[b]).then(b.cmp(&a)))?;
    let low = (0..values.len()).min_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)))?;
    Some((high, low))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::series::SeriesMeasure;

    fn monthly(values: &[f64], first_index: i64) -> Series {
        Series {
            time_name: "date".into(),
            time_sql: "\"date\"".into(),
            grain: Grain::Month,
            measure: SeriesMeasure {
                name: "revenue".into(),
                aggregate: "SUM(\"revenue\")".into(),
                key: "total_revenue".into(),
                is_row_count: false,
                additive: true,
            },
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (first_index + i as i64, *v))
                .collect(),
        }
    }

    #[test]
    fn a_december_peak_on_a_rising_line_is_a_season() {
        // Three calendar years (index 2020 * 12 = January 2020), rising 2% a month, with
        // December 60% above the line and July 30% below.
        let values: Vec<f64> = (0..36)
            .map(|i| {
                let base = 100.0 * 1.02f64.powi(i);
                match i % 12 {
                    11 => base * 1.6,
                    6 => base * 0.7,
                    _ => base,
                }
            })
            .collect();
        let found = find(&[monthly(&values, 2020 * 12)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].numbers["peak"], "December");
        assert_eq!(found[0].numbers["low"], "July");
        assert_eq!(found[0].numbers["complete_cycles"], 3);
        assert!(
            found[0]
                .explanation
                .starts_with("Over 3 years of data, monthly total revenue in December averages"),
            "{}",
            found[0].explanation
        );
    }

    #[test]
    fn a_steady_rise_is_not_a_season() {
        let values: Vec<f64> = (0..36).map(|i| 100.0 + 3.0 * i as f64).collect();
        assert!(find(&[monthly(&values, 2020 * 12)]).is_empty());
    }

    #[test]
    fn weekdays_start_on_monday() {
        // 1970-01-05 (day 4) was a Monday.
        let c = cycle(Grain::Day).unwrap();
        assert_eq!((c.place)(4).1, 0);
        assert_eq!((c.place)(3).1, 6);
    }
}
