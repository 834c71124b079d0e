//! The structured query plan the parser builds and the SQL generator renders.
//! Columns are indexes into `Schema::columns`; literals are typed, never raw text.

use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agg {
    Sum,
    Avg,
    Median,
    Min,
    Max,
    Count,
    CountDistinct,
    Stddev,
    Variance,
    /// Number of NULL cells of a column.
    CountNull,
}

impl Agg {
    pub fn label(self) -> &'static str {
        match self {
            Agg::Sum => "Sum",
            Agg::Avg => "Average",
            Agg::Median => "Median",
            Agg::Min => "Minimum",
            Agg::Max => "Maximum",
            Agg::Count => "Count",
            Agg::CountDistinct => "Distinct count",
            Agg::Stddev => "Standard deviation",
            Agg::Variance => "Variance",
            Agg::CountNull => "Missing values",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Grain {
    pub fn parse(s: &str) -> Option<Grain> {
        Some(match s {
            "day" => Grain::Day,
            "week" => Grain::Week,
            "month" => Grain::Month,
            "quarter" => Grain::Quarter,
            "year" => Grain::Year,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
        }
    }
}

/// One computed value: an aggregation of a column, `COUNT(*)` when `column` is None,
/// or the correlation of two columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub agg: Agg,
    pub column: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Dim {
    Column(usize),
    Time(usize, Grain),
}

impl Dim {
    pub fn column(&self) -> usize {
        match self {
            Dim::Column(c) | Dim::Time(c, _) => *c,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
    Date(NaiveDate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Between,
    In,
    IsNull,
    NotNull,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Between => "between",
            Op::In => "in",
            Op::IsNull => "is null",
            Op::NotNull => "is not null",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub column: usize,
    pub op: Op,
    pub values: Vec<Lit>,
    /// Case-insensitive text comparison (values found by fuzzy match keep exact case instead).
    pub phrase: String,
}

/// A resolved date range, inclusive on both ends.
#[derive(Debug, Clone, PartialEq)]
pub struct DateRange {
    pub column: usize,
    pub phrase: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OrderKey {
    /// Index into `Plan::measures`.
    Measure(usize),
    /// Raw column (row-level queries).
    Column(usize),
    /// Index into `Plan::dims` (chronological order for time series).
    Dim(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub key: OrderKey,
    pub desc: bool,
}

/// One side of a difference: the sum of a column (the row count when `column` is None)
/// over the rows the filters pick.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub column: Option<usize>,
    pub filters: Vec<Filter>,
}

/// Questions about particular rows relative to other rows. They need subqueries, and
/// "next", "previous", "first listed" mean the table's own row order: the order of the
/// uploaded file, which is how the user sees the table.
#[derive(Debug, Clone, PartialEq)]
pub enum RowQuery {
    /// `select` of the rows `offset` places after (negative: before) the anchor rows:
    /// "who came in after X", "the previous ship to X".
    Neighbor {
        anchor: Filter,
        offset: i64,
        select: usize,
    },
    /// How many rows come before (or after) the anchor row: "how many are above X".
    CountBeyond { anchor: Filter, after: bool },
    /// `select` of the first or last row (of those the plan's filters keep) in table order:
    /// "the last club listed".
    Edge { select: usize, last: bool },
    /// Which of the named rows comes first by `by`: "which came out first, A or B",
    /// "who scored more points, A or B". `among` picks the candidates.
    Pick {
        among: Filter,
        select: usize,
        by: usize,
        desc: bool,
    },
    /// `a - b`; absolute for "the difference between", signed for "how many more".
    Difference { a: Side, b: Side, abs: bool },
    /// `select` of the other rows whose `column` equals the anchor row's, or their count:
    /// "which countries won the same number of golds as X".
    SameAs {
        anchor: Filter,
        column: usize,
        select: usize,
        count: bool,
    },
}

/// The whole reading of a question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub measures: Vec<Measure>,
    pub dims: Vec<Dim>,
    /// Row-level projection (no aggregation): used for lookups and "which row has the max".
    pub select: Vec<usize>,
    pub filters: Vec<Filter>,
    pub date_range: Option<DateRange>,
    pub order: Option<Order>,
    pub limit: Option<u64>,
    /// Keep all rows tied for first place instead of cutting at `limit` 1.
    pub with_ties: bool,
    /// Correlation of two columns.
    pub correlation: Option<(usize, usize)>,
    pub distinct: bool,
    /// Only the first (`false`) or last (`true`) n rows in table order count:
    /// "the average score of the first three teams".
    pub head: Option<(u64, bool)>,
    /// A question about rows relative to other rows; when set, it is the whole query
    /// (with `filters` and `date_range` narrowing the rows it looks at, where it says so).
    pub rows: Option<RowQuery>,
}
