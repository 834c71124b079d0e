//! The first-run demo workspace: seeded exactly once, answers "total revenue
//! last quarter" with the independently computed sum, never in production.

mod support;

use chrono::{Datelike, NaiveDate, Utc};
use clap::Parser;
use serde_json::json;
use server::config::{Cli, Command};
use server::demo::{sales_orders, DEMO_EMAIL, DEMO_PASSWORD};
use server::Settings;
use support::TestApp;

fn previous_quarter(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let this_start_month = (today.month0() / 3) * 3 + 1;
    let this_start = NaiveDate::from_ymd_opt(today.year(), this_start_month, 1).unwrap();
    let start = this_start
        .checked_sub_months(chrono::Months::new(3))
        .unwrap();
    (start, this_start.pred_opt().unwrap())
}

#[tokio::test]
async fn demo_is_seeded_once_and_answers_last_quarter() {
    let app = TestApp::spawn().await;
    let state = app.state.clone();
    let today = Utc::now().date_naive();
    assert!(
        server::demo::seed(&state, today).await.unwrap(),
        "first start seeds"
    );
    assert!(
        !server::demo::seed(&state, today).await.unwrap(),
        "second start does not"
    );

    let login = app.login(DEMO_EMAIL, DEMO_PASSWORD).await;
    let token = login["access_token"].as_str().unwrap();
    let sources = app.get_ok("/api/v1/data-sources", token).await;
    assert_eq!(sources["total"], 3, "exactly three sources: {sources}");
    let sales = sources["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Demo sales")
        .expect("demo sales source");

    let (status, answer) = app
        .post_authed(
            "/api/v1/queries/natural-language",
            token,
            &json!({"data_source_id": sales["id"], "query_text": "What was the total revenue last quarter?"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["visualizations"][0]["chart_type"], "kpi", "{answer}");
    let got = answer["result_data"]["rows"][0][0].as_f64().unwrap();

    let (start, end) = previous_quarter(today);
    let expected: f64 = sales_orders(today)
        .iter()
        .filter(|o| o.order_date >= start && o.order_date <= end)
        .map(|o| o.revenue)
        .sum();
    assert!(expected > 0.0);
    assert!(
        (got - expected).abs() < 0.01,
        "got {got}, expected {expected} for {start}..{end}"
    );
}

fn settings_for(args: &[&str]) -> Settings {
    let mut argv = vec!["insightiq", "serve"];
    argv.extend_from_slice(args);
    match Cli::parse_from(argv).command {
        Command::Serve(serve) => Settings::from_args(&serve),
        _ => unreachable!(),
    }
}

#[test]
fn no_demo_and_production_never_seed() {
    assert!(settings_for(&[]).seed_demo);
    assert!(!settings_for(&["--no-demo"]).seed_demo);
    assert!(!settings_for(&["--production"]).seed_demo);
    assert!(!settings_for(&["--env", "production"]).seed_demo);
}
