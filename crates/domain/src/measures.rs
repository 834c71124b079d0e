//! Which measures may be summed. A total of revenue or of rainfall means something; a
//! total of prices, temperatures or ratings does not, so those are averaged — by the
//! question engine when nobody says which, and by the insights.

/// Column-name words of measures that must not be summed (averaged by default).
pub const NON_ADDITIVE: &[&str] = &[
    "price",
    "rate",
    "ratio",
    "percent",
    "percentage",
    "pct",
    "age",
    "temperature",
    "temp",
    "score",
    "rating",
    "avg",
    "average",
    "mean",
    "per",
    "percap",
    "capita",
    "expectancy",
    "exp",
    "margin",
    "index",
    "lat",
    "latitude",
    "lon",
    "lng",
    "longitude",
    "speed",
    "wind",
    "depth",
    "length",
    "width",
    "height",
    "density",
    "humidity",
    "pressure",
    "year",
    "position",
    "rank",
    "pos",
    "level",
    "max",
    "min",
    "median",
    "carat",
    "size",
    "fare",
    "weight",
    "mass",
    "x",
    "y",
    "z",
    "table",
    "close",
    "open",
    "high",
    "low",
    "stars",
    "elevation",
];

/// Whether a measure named `name` (a header or SQL name) can be summed: none of its
/// words (split at anything not a letter or digit, a plural `s` dropped) is one of
/// [`NON_ADDITIVE`].
pub fn is_additive(name: &str) -> bool {
    !name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| {
            NON_ADDITIVE.contains(&w)
                || w.strip_suffix('s')
                    .is_some_and(|s| NON_ADDITIVE.contains(&s))
        })
}

#[cfg(test)]
mod tests {
    use super::is_additive;

    #[test]
    fn amounts_add_up_and_rates_do_not() {
        for name in [
            "revenue",
            "Total",
            "precipitation",
            "units_sold",
            "Quantity",
        ] {
            assert!(is_additive(name), "{name}");
        }
        for name in [
            "unit_price",
            "Unit Prices",
            "temp_max",
            "Rating",
            "gross margin percentage",
        ] {
            assert!(!is_additive(name), "{name}");
        }
    }
}
