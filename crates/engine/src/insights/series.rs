//! Time series for trends and anomalies: one query per time column sums every measure
//! (and counts rows) at an adaptive grain, then gaps are filled and partial edges dropped.

use chrono::{DateTime, Datelike, NaiveDate};

use super::context::Ctx;
use super::profile::{ColumnProfile, Profile};
use crate::error::Result;
use crate::types::ColumnType;
use domain::sql::{quote_ident as ident, quote_literal as literal};

const DAY: i64 = 86_400;

/// The period length a series is aggregated to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Day,
    Week,
    Month,
    Year,
}

impl Grain {
    /// Day for short spans, year for long ones, week and month in between, so a
    /// series has enough periods to test and few enough to read.
    pub fn for_span(seconds: f64) -> Grain {
        let days = seconds / DAY as f64;
        if days <= 120.0 {
            Grain::Day
        } else if days <= 400.0 {
            Grain::Week
        } else if days <= 12.0 * 366.0 {
            Grain::Month
        } else {
            Grain::Year
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Year => "year",
        }
    }

    pub fn adjective(self) -> &'static str {
        match self {
            Grain::Day => "daily",
            Grain::Week => "weekly",
            Grain::Month => "monthly",
            Grain::Year => "yearly",
        }
    }

    /// How many recent periods a trend is fitted over.
    pub fn lookback(self) -> usize {
        match self {
            Grain::Day => 90,
            Grain::Week => 52,
            Grain::Month => 24,
            Grain::Year => 20,
        }
    }

    /// The seasonal cycle in periods (day of week, month of year), when there is one.
    pub fn season(self) -> Option<usize> {
        match self {
            Grain::Day => Some(7),
            Grain::Month => Some(12),
            Grain::Week | Grain::Year => None,
        }
    }

    /// A dense index of the period containing `epoch` (consecutive periods differ by 1).
    fn index(self, epoch: i64) -> i64 {
        let days = epoch.div_euclid(DAY);
        match self {
            Grain::Day => days,
            // 1970-01-01 was a Thursday; +3 aligns weeks to Mondays like date_trunc.
            Grain::Week => (days + 3).div_euclid(7),
            Grain::Month | Grain::Year => {
                let d = DateTime::from_timestamp(epoch, 0).map(|t| t.date_naive());
                let (y, m) = d
                    .map(|d| (d.year() as i64, d.month0() as i64))
                    .unwrap_or((1970, 0));
                if self == Grain::Month {
                    y * 12 + m
                } else {
                    y
                }
            }
        }
    }

    /// Unix seconds at which period `index` starts.
    pub fn start(self, index: i64) -> i64 {
        let date = |y: i64, m0: i64| {
            NaiveDate::from_ymd_opt(y as i32, m0 as u32 + 1, 1)
                .map(|d| {
                    d.and_hms_opt(0, 0, 0)
                        .unwrap_or_default()
                        .and_utc()
                        .timestamp()
                })
                .unwrap_or(0)
        };
        match self {
            Grain::Day => index * DAY,
            Grain::Week => (index * 7 - 3) * DAY,
            Grain::Month => date(index.div_euclid(12), index.rem_euclid(12)),
            Grain::Year => date(index, 0),
        }
    }

    /// Days in period `index`.
    pub fn days(self, index: i64) -> f64 {
        ((self.start(index + 1) - self.start(index)) / DAY) as f64
    }

    /// Factor that turns a period total into a total per average-length period, so
    /// February is not an "anomaly" for having three fewer days.
    pub fn length_factor(self, index: i64) -> f64 {
        match self {
            Grain::Month => 30.436_875 / self.days(index),
            Grain::Year => 365.242_5 / self.days(index),
            Grain::Day | Grain::Week => 1.0,
        }
    }
}

/// What is summed per period.
#[derive(Debug, Clone)]
pub struct SeriesMeasure {
    /// Display name, e.g. `revenue` or `rows`.
    pub name: String,
    /// SQL aggregate, e.g. `SUM("revenue")` or `COUNT(*)`.
    pub aggregate: String,
    /// Result column of the reproducing SQL, e.g. `total_revenue`.
    pub key: String,
    pub is_row_count: bool,
    /// Summed per period; a price or a temperature (see `domain::measures`) is averaged.
    pub additive: bool,
}

impl SeriesMeasure {
    /// `count`, `sum` or `avg`: how a period's value is made, for the report numbers.
    pub fn aggregation(&self) -> &'static str {
        match (self.is_row_count, self.additive) {
            (true, _) => "count",
            (false, true) => "sum",
            (false, false) => "avg",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Series {
    pub time_name: String,
    pub time_sql: String,
    pub grain: Grain,
    pub measure: SeriesMeasure,
    /// Consecutive periods: (period index, value); empty periods hold 0.
    pub points: Vec<(i64, f64)>,
}

impl Series {
    /// The SQL that lists this series, optionally limited to periods `from..to`.
    pub fn sql(&self, window: Option<(i64, i64)>) -> String {
        let t = &self.time_sql;
        let mut filter = format!("{t} IS NOT NULL");
        if let Some((from, to)) = window {
            let day = |i: i64| {
                DateTime::from_timestamp(self.grain.start(i), 0)
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            };
            filter = format!(
                "{t} >= {} AND {t} < {}",
                literal(&day(from)),
                literal(&day(to + 1))
            );
        }
        format!(
            "SELECT date_trunc('{}', {t}) AS period, {} AS {} FROM data WHERE {filter} GROUP BY 1 ORDER BY 1",
            self.grain.sql(),
            self.measure.aggregate,
            ident(&self.measure.key)
        )
    }
}

impl Series {
    /// The whole series with an `anomaly` column holding the value of the period
    /// starting at `period_start` (Unix seconds) and null elsewhere, for a marked chart.
    pub fn sql_marking(&self, period_start: i64) -> String {
        let t = &self.time_sql;
        let start = DateTime::from_timestamp(period_start, 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string())
            .unwrap_or_default();
        let grain = self.grain.sql();
        let aggregate = &self.measure.aggregate;
        format!(
            "SELECT date_trunc('{grain}', {t}) AS period, {aggregate} AS {key}, \
             CASE WHEN date_trunc('{grain}', {t}) = CAST({start} AS TIMESTAMP) THEN {aggregate} END AS anomaly \
             FROM data WHERE {t} IS NOT NULL GROUP BY 1 ORDER BY 1",
            key = ident(&self.measure.key),
            start = literal(&start),
        )
    }
}

/// Every measure (plus the row count) of every time column, as series.
pub async fn build(ctx: &mut Ctx<'_>, profile: &Profile) -> Result<Vec<Series>> {
    let measures: Vec<SeriesMeasure> = profile
        .measures()
        .into_iter()
        .map(|m| {
            let additive = m.is_additive();
            SeriesMeasure {
                name: m.column.name.clone(),
                aggregate: if additive {
                    format!("SUM({})", m.sql())
                } else {
                    format!("AVG({})", m.sql())
                },
                key: if additive {
                    format!("total_{}", m.column.sql_name)
                } else {
                    format!("average_{}", m.column.sql_name)
                },
                is_row_count: false,
                additive,
            }
        })
        .chain(std::iter::once(SeriesMeasure {
            name: "rows".into(),
            aggregate: "COUNT(*)".into(),
            key: "row_count".into(),
            is_row_count: true,
            additive: true,
        }))
        .collect();
    let mut out = Vec::new();
    for time in profile.times() {
        if ctx.out_of_time {
            break;
        }
        out.extend(series_of(ctx, time, &measures).await?);
    }
    Ok(out)
}

async fn series_of(
    ctx: &mut Ctx<'_>,
    time: &ColumnProfile,
    measures: &[SeriesMeasure],
) -> Result<Vec<Series>> {
    let (Some(lo), Some(hi)) = (time.min, time.max) else {
        return Ok(Vec::new());
    };
    let grain = Grain::for_span(hi - lo);
    let t = time.sql();
    let aggregates: Vec<String> = measures
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{} AS v{i}", m.aggregate))
        .collect();
    let sql = format!(
        "SELECT to_unixtime(date_trunc('{}', {t})) AS p, {} FROM data WHERE {t} IS NOT NULL GROUP BY 1 ORDER BY 1",
        grain.sql(),
        aggregates.join(", ")
    );
    let rows = ctx.query(&sql).await?;
    let mut indexed: Vec<(i64, usize)> = (0..rows.len())
        .filter_map(|r| rows.f64(r, "p").map(|p| (grain.index(p as i64), r)))
        .collect();
    indexed.sort();
    let (Some(&(first, _)), Some(&(last, _))) = (indexed.first(), indexed.last()) else {
        return Ok(Vec::new());
    };
    // Drop a first or last period the data covers less than 80% of: a half month
    // is not a drop in sales. Dates cover their whole day, hence the extra day.
    let end = hi as i64
        + if time.ty() == ColumnType::Date {
            DAY
        } else {
            0
        };
    let covered = |i: i64, from: i64, to: i64| {
        let len = (grain.start(i + 1) - grain.start(i)) as f64;
        (to.min(grain.start(i + 1)) - from.max(grain.start(i))) as f64 / len
    };
    let mut first_kept = first;
    let mut last_kept = last;
    if grain != Grain::Day {
        if covered(first, lo as i64, end) < 0.8 {
            first_kept += 1;
        }
        if covered(last, lo as i64, end) < 0.8 {
            last_kept -= 1;
        }
    }
    if last_kept < first_kept {
        return Ok(Vec::new());
    }
    let span = (last_kept - first_kept + 1) as usize;
    let present = indexed
        .iter()
        .filter(|(i, _)| (first_kept..=last_kept).contains(i))
        .count();
    // A series that is mostly gaps is too sparse for trends or anomalies.
    if span > 10_000 || (present as f64) < 0.75 * span as f64 {
        return Ok(Vec::new());
    }
    let series = measures
        .iter()
        .enumerate()
        .map(|(m, measure)| {
            let mut points: Vec<(i64, f64)> = (first_kept..=last_kept).map(|i| (i, 0.0)).collect();
            for &(i, r) in &indexed {
                if (first_kept..=last_kept).contains(&i) {
                    points[(i - first_kept) as usize].1 =
                        rows.f64(r, &format!("v{m}")).unwrap_or(0.0);
                }
            }
            Series {
                time_name: time.column.name.clone(),
                time_sql: t.clone(),
                grain,
                measure: measure.clone(),
                points,
            }
        })
        .collect();
    Ok(series)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_indexes_round_trip() {
        // 2024-02-15T12:00:00Z
        let t = 1_707_998_400;
        for g in [Grain::Day, Grain::Week, Grain::Month, Grain::Year] {
            let i = g.index(t);
            assert!(g.start(i) <= t && t < g.start(i + 1), "{g:?}");
            assert_eq!(g.index(g.start(i + 1)), i + 1);
        }
        assert_eq!(Grain::Month.days(Grain::Month.index(t)), 29.0);
        // The week of 2024-02-15 starts on Monday 2024-02-12.
        assert_eq!(Grain::Week.start(Grain::Week.index(t)), 1_707_696_000);
        assert_eq!(Grain::for_span(30.0 * 86_400.0), Grain::Day);
        assert_eq!(Grain::for_span(3.0 * 365.0 * 86_400.0), Grain::Month);
    }
}
