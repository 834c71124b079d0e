//! Chart choice: a pure function from a query result's columns, types and row count to a
//! [`ChartSpec`] the web app draws with Recharts, plus [`validate`] for user-edited specs.
//!
//! # Public API
//!
//! - [`recommend`]`(columns: &[ResultColumn], row_count: usize, hint: Option<&Hint>) -> ChartSpec`
//! - [`validate`]`(spec: &ChartSpec, columns: &[ResultColumn]) -> Result<(), String>`
//! - [`ResultColumn`], [`Hint`]; the spec itself ([`ChartSpec`], [`ChartType`],
//!   [`DisplayFormat`], [`XType`]) is `domain`'s chart contract, re-exported
//!
//! Rules: `kpi` for a single value, `line` for a time dimension, `bar` for a category with
//! a measure (sorted, top-N capped), `pie` only for a share of a few categories,
//! `scatter` for two measures, `table` otherwise.

mod format;

use serde::{Deserialize, Serialize};

pub use format::number_format;

/// Bars beyond this many categories are cut to the top N (sorted by value).
pub const BAR_TOP_N: usize = 20;
/// A pie is only readable with a few slices.
pub const PIE_MAX_SLICES: usize = 6;

/// One column of a query result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultColumn {
    pub name: String,
    pub data_type: ColumnType,
}

impl ResultColumn {
    pub fn new(name: &str, data_type: ColumnType) -> ResultColumn {
        ResultColumn {
            name: name.to_string(),
            data_type,
        }
    }
    fn is_numeric(&self) -> bool {
        self.data_type.is_numeric()
    }
    fn is_time(&self) -> bool {
        self.data_type.is_temporal()
    }
    fn is_category(&self) -> bool {
        self.data_type.is_categorical()
    }
}

pub use domain::{ChartSpec, ChartType, ColumnType, DisplayFormat, XType};

/// Optional guidance from the caller: a chart type the user asked for (kept when it
/// fits the data) and a title (e.g. the interpretation's summary).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hint {
    pub chart_type: Option<ChartType>,
    pub title: Option<String>,
}

/// "sum_total" -> "Sum total", "Product line" stays.
pub fn humanize(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut c = spaced.trim().chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Integer columns named like a year or period act as a time axis ("year", "season").
fn is_period(c: &ResultColumn) -> bool {
    let n = c.name.to_lowercase();
    c.data_type == ColumnType::Integer
        && (n == "year" || n.ends_with("_year") || n.starts_with("year") || n == "season")
}

/// A measure named as a share of a whole (`share_of_total`, `pct_sales`, `percent`).
fn is_share(name: &str) -> bool {
    let n = name.to_lowercase();
    n.split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "share" | "pct" | "percent" | "percentage" | "proportion"))
}

/// Pick the chart for a result.
pub fn recommend(columns: &[ResultColumn], row_count: usize, hint: Option<&Hint>) -> ChartSpec {
    let auto = choose(columns, row_count, hint.and_then(|h| h.title.clone()));
    if let Some(want) = hint.and_then(|h| h.chart_type) {
        if want != auto.chart_type {
            if let Some(spec) = reshape(&auto, want, columns) {
                if validate(&spec, columns).is_ok() {
                    return spec;
                }
            }
        }
    }
    auto
}

/// The automatic choice.
fn choose(columns: &[ResultColumn], rows: usize, title: Option<String>) -> ChartSpec {
    let measures: Vec<&ResultColumn> = columns
        .iter()
        .filter(|c| c.is_numeric() && !is_period(c))
        .collect();
    let times: Vec<&ResultColumn> = columns
        .iter()
        .filter(|c| c.is_time() || is_period(c))
        .collect();
    let cats: Vec<&ResultColumn> = columns.iter().filter(|c| c.is_category()).collect();
    let ykeys = |ms: &[&ResultColumn]| ms.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let title_for = |ys: &[&ResultColumn], x: Option<&ResultColumn>| {
        title.clone().unwrap_or_else(|| {
            let y = ys
                .iter()
                .map(|c| humanize(&c.name))
                .collect::<Vec<_>>()
                .join(", ");
            match x {
                Some(x) => format!("{y} by {}", humanize(&x.name)),
                None => y,
            }
        })
    };

    // A single value.
    if rows == 1 && measures.len() == 1 && columns.len() == 1 {
        let m = measures[0];
        let mut s = ChartSpec::new(ChartType::Kpi, title_for(&measures, None));
        s.value_key = Some(m.name.clone());
        s.label = Some(humanize(&m.name));
        s.number_format = number_format(&m.name, m.data_type);
        return s;
    }
    if rows >= 2 && !measures.is_empty() {
        // Over time: line (one series per category when there is one).
        if let Some(t) = times.first() {
            if cats.len() <= 1 && times.len() == 1 {
                let mut s = ChartSpec::new(ChartType::Line, title_for(&measures, Some(t)));
                s.x_key = Some(t.name.clone());
                s.x_type = Some(if t.is_time() {
                    XType::Time
                } else {
                    XType::Number
                });
                s.y_keys = if cats.is_empty() {
                    ykeys(&measures)
                } else {
                    ykeys(&measures[..1])
                };
                s.series_key = cats.first().map(|c| c.name.clone());
                s.number_format = number_format(&measures[0].name, measures[0].data_type);
                return s;
            }
        }
        if times.is_empty() && cats.len() == 1 {
            let x = cats[0];
            let m = measures[0];
            // A pie only answers "what share": parts of a whole the question asked about.
            let pie = measures.len() == 1 && rows <= PIE_MAX_SLICES && is_share(&m.name);
            let kind = if pie { ChartType::Pie } else { ChartType::Bar };
            let mut s = ChartSpec::new(kind, title_for(&measures, Some(x)));
            s.x_key = Some(x.name.clone());
            s.x_type = Some(XType::Category);
            s.y_keys = ykeys(&measures);
            s.number_format = number_format(&m.name, m.data_type);
            if kind == ChartType::Bar && rows > BAR_TOP_N {
                s.top_n = Some(BAR_TOP_N);
            }
            return s;
        }
        if times.is_empty() && cats.len() == 2 && measures.len() == 1 {
            let m = measures[0];
            let mut s = ChartSpec::new(ChartType::StackedBar, title_for(&measures, Some(cats[0])));
            s.x_key = Some(cats[0].name.clone());
            s.series_key = Some(cats[1].name.clone());
            s.x_type = Some(XType::Category);
            s.y_keys = vec![m.name.clone()];
            s.number_format = number_format(&m.name, m.data_type);
            if rows > BAR_TOP_N * 4 {
                s.top_n = Some(BAR_TOP_N);
            }
            return s;
        }
        if times.is_empty() && cats.is_empty() && measures.len() == 2 {
            let mut s = ChartSpec::new(
                ChartType::Scatter,
                title.clone().unwrap_or_else(|| {
                    format!(
                        "{} vs {}",
                        humanize(&measures[1].name),
                        humanize(&measures[0].name)
                    )
                }),
            );
            s.x_key = Some(measures[0].name.clone());
            s.x_type = Some(XType::Number);
            s.y_keys = vec![measures[1].name.clone()];
            s.number_format = number_format(&measures[1].name, measures[1].data_type);
            return s;
        }
    }
    let mut s = ChartSpec::new(
        ChartType::Table,
        title.unwrap_or_else(|| {
            columns
                .iter()
                .map(|c| humanize(&c.name))
                .collect::<Vec<_>>()
                .join(", ")
        }),
    );
    s.y_keys = Vec::new();
    s
}

/// Turn an automatic spec into the chart type the user asked for, when possible.
fn reshape(auto: &ChartSpec, want: ChartType, columns: &[ResultColumn]) -> Option<ChartSpec> {
    let mut s = auto.clone();
    s.chart_type = want;
    match want {
        ChartType::Table => {
            s.x_key = None;
            s.y_keys.clear();
            s.series_key = None;
            s.x_type = None;
        }
        ChartType::Kpi => {
            let m = columns.iter().find(|c| c.is_numeric())?;
            s.value_key = Some(m.name.clone());
            s.label = Some(humanize(&m.name));
            s.x_key = None;
            s.y_keys.clear();
            s.x_type = None;
        }
        ChartType::Area
        | ChartType::Line
        | ChartType::Bar
        | ChartType::Pie
        | ChartType::StackedBar => {
            if s.x_key.is_none() {
                let x = columns.iter().find(|c| !c.is_numeric())?;
                s.x_key = Some(x.name.clone());
                s.x_type = Some(if x.is_time() {
                    XType::Time
                } else {
                    XType::Category
                });
            }
            if s.y_keys.is_empty() {
                s.y_keys = columns
                    .iter()
                    .filter(|c| c.is_numeric())
                    .map(|c| c.name.clone())
                    .collect();
            }
            if want == ChartType::Pie {
                s.y_keys.truncate(1);
                s.series_key = None;
            }
        }
        ChartType::Scatter => {
            let nums: Vec<&ResultColumn> = columns.iter().filter(|c| c.is_numeric()).collect();
            if nums.len() < 2 {
                return None;
            }
            s.x_key = Some(nums[0].name.clone());
            s.x_type = Some(XType::Number);
            s.y_keys = vec![nums[1].name.clone()];
        }
    }
    Some(s)
}

/// Check a spec against a result: every key is a result column and the chart type fits.
pub fn validate(spec: &ChartSpec, columns: &[ResultColumn]) -> Result<(), String> {
    let find = |k: &str| columns.iter().find(|c| c.name == k);
    let need = |k: &Option<String>, what: &str| -> Result<&ResultColumn, String> {
        let k = k
            .as_deref()
            .ok_or_else(|| format!("{what} is required for this chart type"))?;
        find(k).ok_or_else(|| format!("{what} '{k}' is not a column of the result"))
    };
    for y in &spec.y_keys {
        let c = find(y).ok_or_else(|| format!("y key '{y}' is not a column of the result"))?;
        if !c.is_numeric() && spec.chart_type != ChartType::Table {
            return Err(format!("y key '{y}' must be numeric"));
        }
    }
    if spec.series_key.is_some() {
        need(&spec.series_key, "series_key")?;
    }
    if spec.highlight_key.is_some() {
        need(&spec.highlight_key, "highlight_key")?;
    }
    match spec.chart_type {
        ChartType::Table => Ok(()),
        ChartType::Kpi => {
            let v = need(&spec.value_key, "value_key")?;
            if v.is_numeric() {
                Ok(())
            } else {
                Err(format!("kpi value '{}' must be numeric", v.name))
            }
        }
        ChartType::Line
        | ChartType::Area
        | ChartType::Bar
        | ChartType::StackedBar
        | ChartType::Pie => {
            need(&spec.x_key, "x_key")?;
            if spec.y_keys.is_empty() {
                return Err("at least one y key is required".into());
            }
            if spec.chart_type == ChartType::Pie && spec.y_keys.len() != 1 {
                return Err("a pie shows exactly one measure".into());
            }
            if spec.chart_type == ChartType::StackedBar
                && spec.series_key.is_none()
                && spec.y_keys.len() < 2
            {
                return Err("a stacked bar needs a series_key or several y keys".into());
            }
            Ok(())
        }
        ChartType::Scatter => {
            let x = need(&spec.x_key, "x_key")?;
            if !x.is_numeric() {
                return Err("a scatter plot needs a numeric x axis".into());
            }
            if spec.y_keys.len() != 1 {
                return Err("a scatter plot needs exactly one y key".into());
            }
            Ok(())
        }
    }
}
