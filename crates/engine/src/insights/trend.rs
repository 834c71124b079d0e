//! Trends: a line fitted over the last periods of each series, reported only when the
//! slope's t-test (Bonferroni-corrected) and the Mann-Kendall test both say it is real.

use domain::{ChartSpec, ChartType, XType};
use serde_json::json;

use super::series::{Grain, Series};
use super::stats::{linear_fit, mann_kendall, mean};
use super::text::{capitalise, chart, fmt_num, fmt_p, fmt_pct, num, period_label};
use super::{Insight, InsightKind};

/// Fewest periods a trend is fitted on.
const MIN_PERIODS: usize = 6;
/// Smallest change (fitted end vs fitted start) worth telling anyone about.
const MIN_RELATIVE_CHANGE: f64 = 0.05;
/// Significance level after correction for the number of series tested.
const ALPHA: f64 = 0.01;

pub fn find(series: &[Series]) -> Vec<Insight> {
    let tested = series
        .iter()
        .filter(|s| s.points.len() >= MIN_PERIODS)
        .count();
    series
        .iter()
        .filter(|s| s.points.len() >= MIN_PERIODS)
        .filter_map(|s| trend(s, tested))
        .collect()
}

fn trend(series: &Series, tested: usize) -> Option<Insight> {
    let grain = series.grain;
    let start = series.points.len().saturating_sub(grain.lookback());
    let window = &series.points[start..];
    let ys: Vec<f64> = window.iter().map(|p| p.1).collect();
    let n = ys.len();
    let fit = linear_fit(&ys)?;
    let (s, mk_p) = mann_kendall(&ys);
    // Bonferroni: many series are tested, so a 5% chance each would find noise; and a
    // 1% family-wise level, since a false trend misleads more than a missed weak one.
    let p = (fit.p_value * tested as f64).min(1.0);
    if p >= ALPHA || mk_p >= ALPHA || fit.slope == 0.0 || (fit.slope > 0.0) != (s > 0.0) {
        return None;
    }
    let (from, to) = (fit.at(0.0), fit.at((n - 1) as f64));
    let base = if from > 0.0 {
        from
    } else {
        mean(&ys.iter().map(|y| y.abs()).collect::<Vec<_>>())
    };
    if base <= 0.0 {
        return None;
    }
    let relative = (to - from) / base;
    if relative.abs() < MIN_RELATIVE_CHANGE {
        return None;
    }
    let up = fit.slope > 0.0;
    let measure = describe(series);
    let (first, last) = (window[0].0, window[n - 1].0);
    let span = format!(
        "{} {}s",
        n,
        match grain {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Year => "year",
        }
    );
    let change_of = |a: f64, b: f64| {
        if a != 0.0 {
            num((b - a) / a.abs() * 100.0)
        } else {
            json!(null)
        }
    };
    let last_change = change_of(ys[n - 2], ys[n - 1]);
    let yoy = match grain {
        Grain::Month if n >= 13 => change_of(ys[n - 13], ys[n - 1]),
        Grain::Week if n >= 53 => change_of(ys[n - 53], ys[n - 1]),
        _ => json!(null),
    };
    let title = format!(
        "{} {} {} over the last {span}",
        capitalise(&measure),
        if up { "rose" } else { "fell" },
        fmt_pct(relative.abs())
    );
    let explanation = format!(
        "{} {} from about {} to {} between {} and {} on the fitted line (R² = {:.2}, {}), a steady trend rather than noise.",
        capitalise(&measure),
        if up { "grew" } else { "declined" },
        fmt_num(from),
        fmt_num(to),
        period_label(grain.start(first), grain),
        period_label(grain.start(last), grain),
        fit.r_squared,
        fmt_p(p)
    );
    let score = 0.6 + 0.25 * fit.r_squared + 0.15 * relative.abs().min(1.0);
    Some(Insight {
        kind: InsightKind::Trend,
        title,
        explanation,
        score,
        numbers: json!({
            "time_column": series.time_name,
            "measure": series.measure.name,
            "aggregation": series.measure.aggregation(),
            "grain": grain.sql(),
            "direction": if up { "up" } else { "down" },
            "periods": n,
            "first_period": period_label(grain.start(first), grain),
            "last_period": period_label(grain.start(last), grain),
            "fitted_start": num(from),
            "fitted_end": num(to),
            "percent_change": num(relative * 100.0),
            "slope_per_period": num(fit.slope),
            "r_squared": num(fit.r_squared),
            "p_value": num(p),
            "mann_kendall_p": num(mk_p),
            "last_period_change_percent": last_change,
            "year_over_year_percent": yoy,
        }),
        sql: series.sql(Some((first, last))),
        chart: ChartSpec {
            x_type: Some(XType::Time),
            ..chart(
                ChartType::Line,
                &capitalise(&measure),
                "period",
                &[series.measure.key.as_str()],
            )
        },
        question: describe(series),
        result: None,
    })
}

/// "monthly total revenue", "weekly number of rows", "daily average temp max".
pub fn describe(series: &Series) -> String {
    let grain = series.grain.adjective();
    match series.measure.aggregation() {
        "count" => format!("{grain} number of rows"),
        "avg" => format!("{grain} average {}", series.measure.name),
        _ => format!("{grain} total {}", series.measure.name),
    }
}
