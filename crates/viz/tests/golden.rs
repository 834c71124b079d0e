//! Golden-file tests: one recommended chart spec per case under tests/golden/*.json.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p viz`, then review the diff.

use viz::{recommend, validate, ChartType, Hint, ResultColumn};

fn cols(spec: &[(&str, &str)]) -> Vec<ResultColumn> {
    spec.iter()
        .map(|(n, t)| ResultColumn::new(n, t.parse().unwrap()))
        .collect()
}

fn check(name: &str, columns: &[ResultColumn], rows: usize, hint: Option<&Hint>) -> ChartType {
    let spec = recommend(columns, rows, hint);
    validate(&spec, columns).unwrap_or_else(|e| panic!("{name}: invalid spec: {e}"));
    let got = serde_json::to_string_pretty(&spec).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.json"));
    if std::env::var("UPDATE_GOLDEN").is_ok() || !path.exists() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert_eq!(got, want, "golden file {name}.json differs");
    spec.chart_type
}

#[test]
fn kpi_for_a_single_value() {
    let t = check(
        "kpi_total_revenue",
        &cols(&[("sum_revenue", "float")]),
        1,
        None,
    );
    assert_eq!(t, ChartType::Kpi);
}

#[test]
fn line_for_time() {
    let c = cols(&[("month", "date"), ("sum_total", "float")]);
    assert_eq!(check("line_monthly_sales", &c, 12, None), ChartType::Line);
    let c = cols(&[("year", "integer"), ("avg_life_exp", "float")]);
    assert_eq!(check("line_by_year_integer", &c, 12, None), ChartType::Line);
    let c = cols(&[
        ("month", "date"),
        ("region", "string"),
        ("sum_sales", "float"),
    ]);
    assert_eq!(
        check("line_series_by_region", &c, 36, None),
        ChartType::Line
    );
}

#[test]
fn bar_for_categories() {
    let c = cols(&[("Product line", "string"), ("avg_unit_price", "float")]);
    assert_eq!(check("bar_avg_by_category", &c, 6, None), ChartType::Bar);
    let c = cols(&[("country", "string"), ("sum_pop", "integer")]);
    assert_eq!(check("bar_top_n_capped", &c, 142, None), ChartType::Bar);
}

#[test]
fn pie_only_for_shares_of_few() {
    let c = cols(&[("City", "string"), ("share_of_total", "float")]);
    assert_eq!(check("pie_share_of_cities", &c, 3, None), ChartType::Pie);
    // A plain total by a few categories is a comparison, not a share: bars.
    let c = cols(&[("City", "string"), ("sum_total", "float")]);
    assert_eq!(
        check("bar_total_by_few_cities", &c, 3, None),
        ChartType::Bar
    );
}

#[test]
fn stacked_bar_for_two_categories() {
    let c = cols(&[
        ("sex", "string"),
        ("smoker", "boolean"),
        ("sum_tip", "float"),
    ]);
    assert_eq!(
        check("stacked_bar_two_categories", &c, 4, None),
        ChartType::StackedBar
    );
}

#[test]
fn scatter_for_two_measures() {
    let c = cols(&[("carat", "float"), ("price", "integer")]);
    assert_eq!(
        check("scatter_two_measures", &c, 500, None),
        ChartType::Scatter
    );
}

#[test]
fn table_otherwise() {
    let c = cols(&[("name", "string"), ("team", "string")]);
    assert_eq!(check("table_text_rows", &c, 10, None), ChartType::Table);
}

#[test]
fn hint_is_kept_when_it_fits() {
    let c = cols(&[("City", "string"), ("sum_total", "float")]);
    let hint = Hint {
        chart_type: Some(ChartType::Bar),
        title: Some("Sales by city".into()),
    };
    assert_eq!(
        check("hint_bar_with_title", &c, 3, Some(&hint)),
        ChartType::Bar
    );
    let bad = Hint {
        chart_type: Some(ChartType::Scatter),
        title: None,
    };
    assert_eq!(recommend(&c, 3, Some(&bad)).chart_type, ChartType::Bar);
}

#[test]
fn validate_rejects_unknown_keys() {
    let c = cols(&[("City", "string"), ("sum_total", "float")]);
    let mut spec = recommend(&c, 10, None);
    spec.y_keys = vec!["nope".into()];
    assert!(validate(&spec, &c).is_err());
    let json = serde_json::to_value(recommend(&c, 10, None)).unwrap();
    for key in [
        "chart_type",
        "title",
        "x_key",
        "y_keys",
        "series_key",
        "value_key",
        "label",
        "number_format",
        "x_type",
        "top_n",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
}
