//! One pass of per-column statistics (non-null and distinct counts, ranges, numbers in
//! text) and the roles they imply: measures, dimensions and time columns.

use super::context::Ctx;
use super::InsightColumn;
use crate::error::Result;
use crate::types::ColumnType;
use domain::sql::quote_ident as ident;

/// Distinct values a text column may have to be treated as a dimension.
pub const MAX_DIMENSION_GROUPS: u64 = 1000;

#[derive(Debug, Clone)]
pub struct ColumnProfile {
    pub column: InsightColumn,
    pub non_null: u64,
    /// Approximate (HyperLogLog) distinct count.
    pub distinct: u64,
    /// Numeric range, or the time range in Unix seconds.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Text range, to tell a constant text column exactly.
    pub min_text: Option<String>,
    pub max_text: Option<String>,
    /// Text values that parse as numbers, and those of them with a leading zero (codes).
    pub numeric_text: u64,
    pub leading_zero: u64,
}

impl ColumnProfile {
    pub fn ty(&self) -> ColumnType {
        self.column.column_type
    }

    pub fn sql(&self) -> String {
        ident(&self.column.sql_name)
    }

    pub fn is_constant(&self) -> bool {
        if self.non_null == 0 {
            return false;
        }
        match self.ty() {
            ColumnType::String => self.min_text.is_some() && self.min_text == self.max_text,
            ColumnType::Boolean => self.distinct == 1,
            _ => self.min.is_some() && self.min == self.max,
        }
    }

    /// Whether totals of this measure mean something (revenue, rainfall) rather than
    /// only averages (prices, temperatures, ratings).
    pub fn is_additive(&self) -> bool {
        domain::measures::is_additive(&self.column.sql_name)
            && domain::measures::is_additive(&self.column.name)
    }

    /// Identifiers, codes and calendar parts are numbers nobody sums or averages.
    fn is_id_like(&self) -> bool {
        let name = self.column.sql_name.to_ascii_lowercase();
        let words: Vec<&str> = name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let last = words.last().copied().unwrap_or("");
        const CODES: [&str; 16] = [
            "id",
            "key",
            "code",
            "no",
            "num",
            "number",
            "zip",
            "zipcode",
            "postcode",
            "postal",
            "phone",
            "lat",
            "lon",
            "lng",
            "latitude",
            "longitude",
        ];
        const CALENDAR: [&str; 7] = ["year", "quarter", "month", "week", "day", "hour", "minute"];
        let original = &self.column.sql_name;
        let named = CODES.contains(&last)
            || original.ends_with("Id")
            || original.ends_with("ID")
            || (self.ty() == ColumnType::Integer && CALENDAR.contains(&last));
        // Integers that never repeat are row identifiers whatever their name.
        let unique_integers = self.ty() == ColumnType::Integer
            && self.non_null >= 20
            && self.distinct as f64 >= 0.98 * self.non_null as f64;
        named || unique_integers
    }
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub rows: u64,
    pub columns: Vec<ColumnProfile>,
    /// SQL names of columns computed from another measure (see `structure`), which
    /// every analysis leaves out.
    pub derived: Vec<String>,
}

impl Profile {
    /// Numeric columns worth summing, averaging and comparing.
    pub fn measures(&self) -> Vec<&ColumnProfile> {
        self.columns
            .iter()
            .filter(|c| {
                c.ty().is_numeric()
                    && c.non_null >= 10
                    && !c.is_constant()
                    && !c.is_id_like()
                    && !self.derived.contains(&c.column.sql_name)
            })
            .collect()
    }

    /// Text and boolean columns with 2..=1000 values that repeat enough to group by.
    pub fn dimensions(&self) -> Vec<&ColumnProfile> {
        self.columns
            .iter()
            .filter(|c| {
                matches!(c.ty(), ColumnType::String | ColumnType::Boolean)
                    && c.distinct >= 2
                    && c.distinct <= MAX_DIMENSION_GROUPS
                    && (c.distinct as f64) <= 0.5 * c.non_null as f64
                    && !c.is_constant()
            })
            .collect()
    }

    /// Date and timestamp columns that span more than one instant.
    pub fn times(&self) -> Vec<&ColumnProfile> {
        self.columns
            .iter()
            .filter(|c| {
                c.ty().is_temporal()
                    && c.non_null >= 10
                    && matches!((c.min, c.max), (Some(a), Some(b)) if b > a)
            })
            .collect()
    }
}

pub async fn profile(ctx: &mut Ctx<'_>, columns: &[InsightColumn]) -> Result<Profile> {
    let mut select = vec!["COUNT(*) AS total_rows".to_string()];
    for (i, c) in columns.iter().enumerate() {
        let q = ident(&c.sql_name);
        select.push(format!("COUNT({q}) AS n{i}"));
        select.push(format!("approx_distinct(CAST({q} AS VARCHAR)) AS d{i}"));
        match c.column_type {
            ColumnType::Integer | ColumnType::Float => {
                select.push(format!("MIN(CAST({q} AS DOUBLE)) AS lo{i}"));
                select.push(format!("MAX(CAST({q} AS DOUBLE)) AS hi{i}"));
            }
            ColumnType::Date | ColumnType::Datetime => {
                select.push(format!("MIN(to_unixtime({q})) AS lo{i}"));
                select.push(format!("MAX(to_unixtime({q})) AS hi{i}"));
            }
            ColumnType::String => {
                select.push(format!("MIN({q}) AS tlo{i}"));
                select.push(format!("MAX({q}) AS thi{i}"));
                select.push(format!("COUNT(TRY_CAST(TRIM({q}) AS DOUBLE)) AS num{i}"));
                select.push(format!(
                    "SUM(CASE WHEN TRY_CAST(TRIM({q}) AS DOUBLE) IS NOT NULL AND TRIM({q}) LIKE '0_%' \
                     AND TRIM({q}) NOT LIKE '0.%' THEN 1 ELSE 0 END) AS lz{i}"
                ));
            }
            ColumnType::Boolean => {}
        }
    }
    let sql = format!("SELECT {} FROM data", select.join(", "));
    let r = ctx.query(&sql).await?;
    let rows = r.u64(0, "total_rows");
    let columns = columns
        .iter()
        .enumerate()
        .map(|(i, c)| ColumnProfile {
            column: c.clone(),
            non_null: r.u64(0, &format!("n{i}")),
            distinct: r.u64(0, &format!("d{i}")),
            min: r.f64(0, &format!("lo{i}")),
            max: r.f64(0, &format!("hi{i}")),
            min_text: r.text(0, &format!("tlo{i}")),
            max_text: r.text(0, &format!("thi{i}")),
            numeric_text: r.u64(0, &format!("num{i}")),
            leading_zero: r.u64(0, &format!("lz{i}")),
        })
        .collect();
    Ok(Profile {
        rows,
        columns,
        derived: Vec::new(),
    })
}
