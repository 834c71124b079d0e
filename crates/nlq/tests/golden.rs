//! Golden files: expected SQL and interpretation for questions on small schemas of our own.
//! Each case lives in tests/golden/<name>.json; regenerate with `UPDATE_GOLDEN=1` and review.

use nlq::{answer, Answer, Column, ColumnType, Context, Schema};
use serde_json::json;

fn col(name: &str, t: ColumnType) -> Column {
    Column::new(name, t)
}

fn text(name: &str, values: &[(&str, u64)]) -> Column {
    let mut c = Column::new(name, ColumnType::String);
    c.values = values.iter().map(|(v, n)| (v.to_string(), *n)).collect();
    c.distinct_count = Some(values.len() as u64);
    c
}

fn sales() -> Schema {
    let mut date = col("order_date", ColumnType::Date);
    date.min = Some(json!("2023-01-01"));
    date.max = Some(json!("2024-12-31"));
    let mut revenue = col("Revenue", ColumnType::Float);
    revenue.synonyms = vec!["turnover".into()];
    Schema {
        table: "data".into(),
        row_count: 5000,
        columns: vec![
            date,
            text(
                "Region",
                &[("Europe", 2000), ("Asia", 1800), ("North America", 1200)],
            ),
            text(
                "Product Category",
                &[
                    ("Electronics", 2500),
                    ("Furniture", 1500),
                    ("Office Supplies", 1000),
                ],
            ),
            text("Payment", &[("Cash", 2000), ("Credit card", 3000)]),
            revenue,
            col("units", ColumnType::Integer),
            col("unit_price", ColumnType::Float),
            text("Customer Name", &[]),
        ],
    }
}

fn weather() -> Schema {
    let mut date = col("date", ColumnType::Date);
    date.min = Some(json!("2012-01-01"));
    date.max = Some(json!("2015-12-31"));
    Schema {
        table: "data".into(),
        row_count: 1461,
        columns: vec![
            date,
            col("precipitation", ColumnType::Float),
            col("temp_max", ColumnType::Float),
            col("temp_min", ColumnType::Float),
            text(
                "weather",
                &[("rain", 641), ("sun", 640), ("fog", 101), ("snow", 26)],
            ),
        ],
    }
}

const TODAY: &str = "2024-10-15";

fn check(name: &str, schema: &Schema, question: &str) {
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let got = answer(question, schema, &Context { today });
    let value = match &got {
        Answer::Sql {
            sql,
            interpretation,
            ..
        } => {
            json!({"question": question, "sql": sql, "interpretation": interpretation})
        }
        Answer::Clarify {
            message,
            suggestions,
        } => {
            json!({"question": question, "clarify": message, "suggestions": suggestions})
        }
    };
    let text = serde_json::to_string_pretty(&value).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.json"));
    if std::env::var("UPDATE_GOLDEN").is_ok() || !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, want, "golden {name}.json differs");
}

#[test]
fn golden_sales() {
    let s = sales();
    check(
        "total_revenue_last_quarter",
        &s,
        "What was the total revenue last quarter?",
    );
    check("sales_by_region", &s, "total sales by region");
    check("top_categories", &s, "top 2 product categories by units");
    check(
        "value_filter_and_year",
        &s,
        "average unit price in Europe in 2023",
    );
    check("monthly_trend", &s, "monthly revenue in 2024");
    check("user_synonym", &s, "turnover for electronics paid in cash");
    check(
        "comparison",
        &s,
        "how many orders had revenue above $2,000?",
    );
    check("ytd", &s, "revenue year to date");
    check(
        "unknown_measure_clarifies",
        &s,
        "what is the profit margin of our warehouses?",
    );
}

#[test]
fn golden_weather() {
    let w = weather();
    check("coldest_day", &w, "What was the coldest day?");
    check(
        "highest_temperature_tie_break",
        &w,
        "What was the highest temperature in 2015?",
    );
    check("sunny_days", &w, "How many sunny days were there in 2014?");
    check("most_common", &w, "Which weather type is most common?");
}

#[test]
fn suggestions_are_answerable() {
    let s = sales();
    let qs = nlq::suggest_questions(&s);
    assert!((4..=6).contains(&qs.len()), "{qs:?}");
    let today = chrono::NaiveDate::from_ymd_opt(2024, 10, 15).unwrap();
    for q in qs {
        assert!(
            matches!(answer(&q, &s, &Context { today }), Answer::Sql { .. }),
            "suggested question not answerable: {q}"
        );
    }
}

#[test]
fn literals_are_escaped() {
    let mut s = sales();
    s.columns[1].values.push(("O'Brien's \"Land\"".into(), 5));
    let today = chrono::NaiveDate::from_ymd_opt(2024, 10, 15).unwrap();
    let a = answer("total revenue in o'brien's land", &s, &Context { today });
    if let Answer::Sql { sql, .. } = a {
        assert!(sql.contains("'O''Brien''s \"Land\"'"), "{sql}");
    }
}
