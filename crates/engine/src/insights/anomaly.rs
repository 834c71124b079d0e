//! Anomalies: periods whose value is far from a rolling-median baseline (less the
//! series' own seasonal pattern), measured in robust z-scores with a multiple-test threshold.

use domain::{ChartSpec, ChartType, XType};
use serde_json::json;

use super::series::Series;
use super::stats::{median, normal_isf, theil_sen_slope, trimmed_sigma};
use super::text::{capitalise, chart, fmt_num, fmt_pct, num, period_label};
use super::trend::describe;
use super::{fold, Insight, InsightKind};

/// Fewest periods a baseline is built from.
const MIN_PERIODS: usize = 12;
/// Neighbours on each side that form the rolling baseline.
const HALF_WINDOW: usize = 4;
/// A robust z below this is never an anomaly, however short the series.
const MIN_Z: f64 = 3.5;
/// Most anomalies reported per series: past that, the series is simply volatile.
const MAX_PER_SERIES: usize = 3;

pub fn find(series: &[Series]) -> Vec<Insight> {
    let eligible: Vec<&Series> = series
        .iter()
        .filter(|s| s.points.len() >= MIN_PERIODS)
        .collect();
    let tests: usize = eligible.iter().map(|s| s.points.len()).sum();
    let found: Vec<(Insight, String)> = eligible
        .into_iter()
        .flat_map(|s| {
            let name = measure_words(&describe(s));
            anomalies(s, tests)
                .into_iter()
                .map(move |i| (i, name.clone()))
        })
        .collect();
    // Measures that jump in the same period (rows, revenue and units in one busy month)
    // are one anomaly.
    fold::by_key(found, |i| {
        ["time_column", "period", "direction"].map(|k| i.numbers[k].to_string())
    })
    .into_iter()
    .map(|(mut best, names)| {
        if names.len() > 1 {
            let period = best.numbers["period"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            best.title = format!("Unusual {} in {period}", fold::join_names(&names));
            best.explanation = format!(
                "{} {} were unusual in {period} too.",
                best.explanation,
                capitalise(&fold::join_names(&names[1..]))
            );
            best.numbers["also"] = json!(names[1..]);
        }
        best
    })
    .collect()
}

/// "total revenue" of "monthly total revenue": the measure without its grain.
fn measure_words(description: &str) -> String {
    description
        .split_once(' ')
        .map(|(_, m)| m)
        .unwrap_or(description)
        .to_string()
}

/// Residuals from the rolling median of each point's neighbours (itself excluded).
pub fn rolling_residuals(values: &[f64]) -> Vec<(f64, f64)> {
    let n = values.len();
    let width = (2 * HALF_WINDOW).min(n - 1);
    (0..n)
        .map(|i| {
            // The `width` nearest neighbours, shifted inwards at the ends.
            let lo = i.saturating_sub(HALF_WINDOW).min(n - 1 - width);
            let neighbours: Vec<f64> = (lo..=lo + width)
                .filter(|&j| j != i)
                .take(width)
                .map(|j| values[j])
                .collect();
            let baseline = median(&neighbours).unwrap_or(values[i]);
            (baseline, values[i] - baseline)
        })
        .collect()
}

/// Subtract the median residual of the same season (other years' Marches), when
/// there are at least three other cycles, so a recurring December peak is no anomaly.
pub fn deseasonalise(residuals: &[f64], season: Option<usize>) -> Vec<f64> {
    let n = residuals.len();
    match season {
        Some(s) if n >= 4 * s => (0..n)
            .map(|i| {
                let same: Vec<f64> = (i % s..n)
                    .step_by(s)
                    .filter(|&j| j != i)
                    .map(|j| residuals[j])
                    .collect();
                residuals[i] - median(&same).unwrap_or(0.0)
            })
            .collect(),
        _ => residuals.to_vec(),
    }
}

fn anomalies(series: &Series, tests: usize) -> Vec<Insight> {
    let grain = series.grain;
    // Totals per average-length period, so short months are not anomalies (averages
    // do not depend on the length).
    let factors: Vec<f64> = series
        .points
        .iter()
        .map(|p| {
            if series.measure.additive {
                grain.length_factor(p.0)
            } else {
                1.0
            }
        })
        .collect();
    let values: Vec<f64> = series
        .points
        .iter()
        .zip(&factors)
        .map(|(p, f)| p.1 * f)
        .collect();
    // Take out a robust straight-line trend first: at the ends of a trending series the
    // neighbours all lie on one side, and the rolling median would lag behind.
    let slope = theil_sen_slope(&values);
    let detrended: Vec<f64> = values
        .iter()
        .enumerate()
        .map(|(i, v)| v - slope * i as f64)
        .collect();
    let base = rolling_residuals(&detrended);
    let raw: Vec<f64> = base.iter().map(|b| b.1).collect();
    let residuals = deseasonalise(&raw, grain.season());
    let level = median(&values.iter().map(|v| v.abs()).collect::<Vec<_>>()).unwrap_or(0.0);
    // Residuals are centred on their median so a series that sits above its rolling
    // baseline everywhere (a steady curve) does not count as surprising.
    let centre = median(&residuals).unwrap_or(0.0);
    let residuals: Vec<f64> = residuals.iter().map(|r| r - centre).collect();
    let Some(scale) = trimmed_sigma(&residuals) else {
        return Vec::new();
    };
    // A flat series has no scale to measure surprise against.
    if scale <= 1e-9 * level || scale == 0.0 {
        return Vec::new();
    }
    // Expect well under one false alarm across every period of every series tested.
    // The scale is itself estimated, which fattens the tails of z on short series
    // (simulated: ~1% false alarms per 36-period noise series at the plain bound), so
    // the bar is raised by 2.5 / sqrt(n): ~0.15% per series at 36 periods.
    let n = values.len() as f64;
    let threshold =
        normal_isf(0.05 / (2.0 * tests.max(1) as f64)).max(MIN_Z) * (1.0 + 2.5 / n.sqrt());
    let mut hits: Vec<(usize, f64)> = residuals
        .iter()
        .enumerate()
        .map(|(i, r)| (i, r / scale))
        .filter(|&(i, z)| {
            let expected = values[i] - residuals[i];
            z.abs() > threshold && residuals[i].abs() >= 0.05 * expected.abs()
        })
        .collect();
    hits.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    hits.truncate(MAX_PER_SERIES);
    let measure = describe(series);
    hits.into_iter()
        .map(|(i, z)| {
            let (index, value) = series.points[i];
            let expected = (values[i] - residuals[i]) / factors[i];
            let period = period_label(grain.start(index), grain);
            let high = z > 0.0;
            let ratio = if expected != 0.0 {
                value / expected
            } else {
                f64::NAN
            };
            let size = if high && ratio.is_finite() && ratio >= 2.0 {
                format!("about {} times", fmt_num(ratio))
            } else if ratio.is_finite() && expected > 0.0 {
                format!(
                    "{} {}",
                    fmt_pct((ratio - 1.0).abs()),
                    if high { "above" } else { "below" }
                )
            } else {
                (if high { "far above" } else { "far below" }).to_string()
            };
            Insight {
                kind: InsightKind::Anomaly,
                title: format!("Unusual {} in {period}", measure_words(&measure)),
                explanation: format!(
                    "{} in {period} was {}, {size} the {} expected from the surrounding periods (robust z = {:.1}).",
                    capitalise(&measure),
                    fmt_num(value),
                    fmt_num(expected),
                    z
                ),
                score: 0.55 + 0.35 * ((z.abs() / threshold - 1.0) / 4.0).min(1.0),
                numbers: json!({
                    "time_column": series.time_name,
                    "measure": series.measure.name,
                    "aggregation": series.measure.aggregation(),
                    "grain": grain.sql(),
                    "period": period,
                    "period_start": period_label(grain.start(index), super::series::Grain::Day),
                    "value": num(value),
                    "expected": num(expected),
                    "deviation": num(value - expected),
                    "robust_z": num(z),
                    "threshold": num(threshold),
                    "direction": if high { "above" } else { "below" },
                }),
                sql: series.sql_marking(grain.start(index)),
                chart: ChartSpec {
                    highlight_key: Some("anomaly".into()),
                    x_type: Some(XType::Time),
                    ..chart(
                        ChartType::Line,
                        &capitalise(&measure),
                        "period",
                        &[series.measure.key.as_str()],
                    )
                },
                question: measure.clone(),
                result: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_baseline_ignores_the_spike_itself() {
        let mut v = vec![10.0; 15];
        v[7] = 40.0;
        let r = rolling_residuals(&v);
        assert_eq!(r[7], (10.0, 30.0));
        assert_eq!(r[6].1, 0.0);
        assert_eq!(r[0].0, 10.0);
    }

    #[test]
    fn seasonal_peaks_are_removed() {
        // Every 12th residual is +5 (a December peak), over 5 cycles.
        let r: Vec<f64> = (0..60)
            .map(|i| if i % 12 == 11 { 5.0 } else { 0.0 })
            .collect();
        assert!(deseasonalise(&r, Some(12)).iter().all(|x| *x == 0.0));
        // Too few cycles: left alone.
        assert_eq!(deseasonalise(&r[..36], Some(12)), r[..36].to_vec());
    }
}
