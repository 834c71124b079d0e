//! Connected sources over real HTTP: a local server that speaks REST pagination
//! styles, fails like real APIs do and serves Google's sheet export; the
//! machine's real PostgreSQL and MariaDB; sync, its failures and its lease.

mod support;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::Connection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::{error_code, TestApp};

// ---- the upstream: what InsightIQ connects to ----

#[derive(Default)]
struct Upstream {
    /// Which version of `/orders` is served: 1, 2, or 0 for "failing".
    orders_version: AtomicUsize,
    /// Milliseconds `/orders` waits before answering.
    orders_delay_ms: AtomicUsize,
    orders_requests: AtomicUsize,
    flaky_calls: AtomicU32,
}

async fn serve_upstream() -> (String, Arc<Upstream>) {
    let upstream = Arc::new(Upstream::default());
    upstream.orders_version.store(1, Ordering::SeqCst);
    let app = Router::new()
        .route("/items", get(items))
        .route("/cursor", get(cursor))
        .route("/linked", get(linked))
        .route("/flaky", get(flaky))
        .route("/orders", get(orders))
        .route("/spreadsheets/d/{id}/export", get(sheet_export))
        .with_state(upstream.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, upstream)
}

fn record(i: u64) -> Value {
    json!({"id": i, "amount": i * 10, "customer": {"name": format!("c{i}"), "city": if i.is_multiple_of(2) { "Oslo" } else { "Lima" }}, "tags": ["x", i]})
}

/// Page-number paging behind a bearer token: pages 1–3 of two records each.
async fn items(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer t0k3n") {
        return (StatusCode::UNAUTHORIZED, "missing or wrong token").into_response();
    }
    let page: u64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let data: Vec<Value> = if page <= 3 {
        vec![record(page * 2 - 1), record(page * 2)]
    } else {
        vec![]
    };
    axum::Json(json!({"meta": {"page": page}, "data": data})).into_response()
}

/// Cursor paging: the body's `next` is sent back as `?after=`.
async fn cursor(Query(q): Query<HashMap<String, String>>) -> axum::Json<Value> {
    let after: u64 = q.get("after").and_then(|p| p.parse().ok()).unwrap_or(0);
    let rows: Vec<Value> = (after + 1..=(after + 2).min(5)).map(record).collect();
    let next = if after + 2 < 5 {
        json!((after + 2).to_string())
    } else {
        Value::Null
    };
    axum::Json(json!({"results": rows, "paging": {"next": next}}))
}

/// `Link: <…>; rel="next"` paging over three pages.
async fn linked(Query(q): Query<HashMap<String, String>>) -> Response {
    let page: u64 = q.get("p").and_then(|p| p.parse().ok()).unwrap_or(1);
    let mut headers = HeaderMap::new();
    if page < 3 {
        headers.insert(
            "link",
            format!("</linked?p={}>; rel=\"next\"", page + 1)
                .parse()
                .unwrap(),
        );
    }
    (headers, axum::Json(json!([record(page)]))).into_response()
}

/// 500, then 429 with `Retry-After: 1`, then the records.
async fn flaky(State(up): State<Arc<Upstream>>) -> Response {
    match up.flaky_calls.fetch_add(1, Ordering::SeqCst) {
        0 => (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response(),
        1 => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            "slow down",
        )
            .into_response(),
        _ => axum::Json(json!([record(1), record(2)])).into_response(),
    }
}

/// The source that changes between syncs.
async fn orders(State(up): State<Arc<Upstream>>) -> Response {
    up.orders_requests.fetch_add(1, Ordering::SeqCst);
    let delay = up.orders_delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay as u64)).await;
    }
    match up.orders_version.load(Ordering::SeqCst) {
        1 => axum::Json(json!([
            {"id": 1, "region": "EU", "amount": 10},
            {"id": 2, "region": "US", "amount": 20},
            {"id": 3, "region": "EU", "amount": 30}
        ]))
        .into_response(),
        2 => axum::Json(json!([
            {"id": 1, "region": "EU", "amount": 10, "channel": "web"},
            {"id": 2, "region": "US", "amount": 20, "channel": "shop"},
            {"id": 3, "region": "EU", "amount": 30, "channel": "web"},
            {"id": 4, "region": "US", "amount": 40, "channel": "web"}
        ]))
        .into_response(),
        _ => (StatusCode::BAD_GATEWAY, "the upstream database is down").into_response(),
    }
}

/// Google's export of a sheet shared by link; `private…` ids answer a sign-in page.
async fn sheet_export(
    axum::extract::Path(id): axum::extract::Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if id.starts_with("private") {
        return (
            [("content-type", "text/html; charset=utf-8")],
            "<html>Sign in</html>",
        )
            .into_response();
    }
    match q.get("format").map(String::as_str) {
        Some("xlsx") => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let notes = book.add_worksheet();
            notes.set_name("Notes").unwrap();
            notes.write(0, 0, "nothing here").unwrap();
            let sales = book.add_worksheet();
            sales.set_name("Sales").unwrap();
            for (col, header) in ["Month", "Region", "Revenue"].iter().enumerate() {
                sales.write(0, col as u16, *header).unwrap();
            }
            let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            for (row, (month, region, revenue)) in
                [(1, "EU", 100.5), (2, "US", 200.0), (3, "EU", 50.25)]
                    .iter()
                    .enumerate()
            {
                let r = row as u32 + 1;
                let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, *month, 1).unwrap();
                sales.write_with_format(r, 0, &day, &date).unwrap();
                sales.write(r, 1, *region).unwrap();
                sales.write(r, 2, *revenue).unwrap();
            }
            let bytes = book.save_to_buffer().unwrap();
            (
                [(
                    "content-type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )],
                bytes,
            )
                .into_response()
        }
        _ => (
            [("content-type", "text/csv")],
            "Month,Region,Revenue\n2024-01-01,EU,100.5\n",
        )
            .into_response(),
    }
}

// ---- helpers ----

async fn app() -> TestApp {
    TestApp::spawn_with(|s| {
        s.connector_allow_hosts = vec!["127.0.0.1".into()];
        s.rate_limits_enabled = false;
        s.sync_lease_secs = 2;
    })
    .await
}

async fn sql(app: &TestApp, token: &str, source: &str, sql: &str) -> Value {
    let (status, body) = app
        .post_authed(
            "/api/v1/queries/execute",
            token,
            &json!({"data_source_id": source, "sql": sql}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut result = body["result_data"].clone();
    result["cached"] = body["cached"].clone();
    result
}

/// Waits until the source is no longer syncing; returns it.
async fn settled(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..200 {
        let source = app
            .get_ok(&format!("/api/v1/data-sources/{id}"), token)
            .await;
        if source["status"] != "syncing" {
            return source;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the sync of {id} never finished");
}

fn column_names(source: &Value) -> Vec<String> {
    source["columns_info"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

// ---- REST ----

#[tokio::test]
async fn rest_api_pages_are_flattened_typed_and_answer_questions() {
    let (base, _) = serve_upstream().await;
    let app = app().await;
    let (token, _) = app.register_and_login().await;
    let (status, source) = app
        .post_authed(
            "/api/v1/data-sources/connect-api",
            &token,
            &json!({
                "name": "Orders API",
                "url": format!("{base}/items"),
                "auth": {"type": "bearer", "token": "t0k3n"},
                "records_path": "$.data[*]",
                "pagination": {"type": "page_number", "param": "page"}
            }),
        )
        .await;
    assert_eq!(status, 201, "{source}");
    assert_eq!(
        (source["type"].as_str(), source["row_count"].as_i64()),
        (Some("api"), Some(6))
    );
    assert_eq!(
        column_names(&source),
        ["id", "amount", "customer.name", "customer.city", "tags"],
        "nested objects flattened, in the API's order"
    );
    let types: Vec<&str> = source["columns_info"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["integer", "integer", "string", "string", "string"]);
    let shown = source["connection"].to_string();
    assert!(
        !shown.contains("t0k3n"),
        "the token is never shown: {shown}"
    );
    assert!(
        shown.contains("********") && shown.contains("/items"),
        "{shown}"
    );
    let stored: String =
        std::fs::read_to_string(app.data_dir.path().join("meta.db")).unwrap_or_default();
    assert!(!stored.contains("t0k3n"), "the token is stored encrypted");

    let id = source["id"].as_str().unwrap();
    let total = sql(
        &app,
        &token,
        id,
        "SELECT SUM(amount) AS total FROM data WHERE \"customer.city\" = 'Oslo'",
    )
    .await;
    assert_eq!(total["rows"][0][0], json!(120), "{total}");
    let (status, answer) = app
        .post_authed(
            "/api/v1/queries/natural-language",
            &token,
            &json!({"data_source_id": id, "query_text": "total amount", "engine": "rules"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["result_data"]["rows"][0][0], json!(210), "{answer}");

    // A wrong token is the user's to fix, and nothing is saved.
    let (status, body) = app
        .post_authed(
            "/api/v1/data-sources/connect-api",
            &token,
            &json!({"url": format!("{base}/items"), "auth": {"type": "bearer", "token": "nope"}}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("connection_unauthorized")),
        "{body}"
    );
    assert_eq!(app.get_ok("/api/v1/data-sources", &token).await["total"], 1);
}

#[tokio::test]
async fn cursor_link_header_and_flaky_apis() {
    let (base, upstream) = serve_upstream().await;
    let app = app().await;
    let (token, _) = app.register_and_login().await;
    let connect = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            app.post_authed("/api/v1/data-sources/connect-api", &token, &body)
                .await
        }
    };
    let (status, by_cursor) = connect(json!({
        "url": format!("{base}/cursor"),
        "records_path": "$.results",
        "pagination": {"type": "cursor", "cursor_path": "$.paging.next", "param": "after"}
    }))
    .await;
    assert_eq!(
        (status, by_cursor["row_count"].as_i64()),
        (201, Some(5)),
        "{by_cursor}"
    );
    let (status, linked) =
        connect(json!({"url": format!("{base}/linked"), "pagination": {"type": "link_header"}}))
            .await;
    assert_eq!(
        (status, linked["row_count"].as_i64()),
        (201, Some(3)),
        "{linked}"
    );
    let (status, capped) = connect(json!({
        "url": format!("{base}/linked"), "pagination": {"type": "link_header"}, "max_pages": 2
    }))
    .await;
    assert_eq!((status, capped["row_count"].as_i64()), (201, Some(2)));
    assert!(
        capped["status_message"].as_str().unwrap().contains("limit"),
        "{capped}"
    );

    let (status, flaky) = connect(json!({"url": format!("{base}/flaky")})).await;
    assert_eq!(
        (status, flaky["row_count"].as_i64()),
        (201, Some(2)),
        "{flaky}"
    );
    assert_eq!(
        upstream.flaky_calls.load(Ordering::SeqCst),
        3,
        "a 500 and a 429 were retried"
    );

    // Bad input: a clear 4xx, nothing saved.
    for (body, code) in [
        (json!({"url": "not a url"}), "invalid_connection"),
        (
            json!({"url": format!("{base}/items"), "records_path": "$[broken"}),
            "invalid_connection",
        ),
        (
            json!({"url": format!("{base}/nowhere")}),
            "connection_failed",
        ),
        (
            json!({"url": "http://169.254.169.254/latest/meta-data"}),
            "address_not_allowed",
        ),
    ] {
        let (status, error) = connect(body.clone()).await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (422, Some(code)),
            "{body}: {error}"
        );
    }
    let (status, _) = connect(json!({"url": 5})).await;
    assert!(status == 400 || status == 422);
    assert_eq!(app.get_ok("/api/v1/data-sources", &token).await["total"], 4);
}

#[tokio::test]
async fn loopback_is_refused_without_the_operators_allowance() {
    let (base, _) = serve_upstream().await;
    let app = TestApp::spawn_with(|s| s.rate_limits_enabled = false).await;
    let (token, _) = app.register_and_login().await;
    let response = app
        .authed(Method::POST, "/api/v1/data-sources/test-connection", &token)
        .json(&json!({"kind": "api", "url": format!("{base}/flaky")}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(response, 422).await, "address_not_allowed");
}

#[tokio::test]
async fn test_connection_shows_first_rows_and_saves_nothing() {
    let (base, _) = serve_upstream().await;
    let app = app().await;
    let (token, _) = app.register_and_login().await;
    let (status, preview) = app
        .post_authed(
            "/api/v1/data-sources/test-connection",
            &token,
            &json!({"kind": "api", "url": format!("{base}/items"), "auth": {"type": "bearer", "token": "t0k3n"},
                    "pagination": {"type": "page_number"}}),
        )
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["row_count"], 2, "one page only");
    assert_eq!(preview["columns"][2]["name"], "customer_name");
    assert_eq!(app.get_ok("/api/v1/data-sources", &token).await["total"], 0);
    let leftovers = std::fs::read_dir(app.data_dir.path().join("uploads/temp"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 0, "no temporary files left");
}

// ---- Google Sheets shared by link ----

#[tokio::test]
async fn a_sheet_shared_by_link_keeps_its_types() {
    let (base, _) = serve_upstream().await;
    let app = TestApp::spawn_with(|s| {
        s.connector_allow_hosts = vec!["127.0.0.1".into()];
        s.rate_limits_enabled = false;
        s.google_docs_url = base.clone();
    })
    .await;
    let (token, _) = app.register_and_login().await;
    let url = "https://docs.google.com/spreadsheets/d/1SheetId_abcdefghij/edit#gid=0";
    let (status, sheet) = app
        .post_authed(
            "/api/v1/data-sources/connect-sheets",
            &token,
            &json!({"url": url, "sheet": "Sales"}),
        )
        .await;
    assert_eq!(status, 201, "{sheet}");
    assert_eq!(
        (
            sheet["type"].as_str(),
            sheet["row_count"].as_i64(),
            sheet["name"].as_str()
        ),
        (Some("google_sheets"), Some(3), Some("Sales"))
    );
    let types: Vec<&str> = sheet["columns_info"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["date", "string", "float"]);
    let id = sheet["id"].as_str().unwrap();
    let eu = sql(
        &app,
        &token,
        id,
        "SELECT SUM(revenue) FROM data WHERE region = 'EU'",
    )
    .await;
    assert_eq!(eu["rows"][0][0], json!(150.75));

    let (status, error) = app
        .post_authed(
            "/api/v1/data-sources/connect-sheets",
            &token,
            &json!({"url": "https://docs.google.com/spreadsheets/d/private_sheet_123/edit"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (422, Some("connection_unauthorized")),
        "{error}"
    );
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Anyone with the link"));
    let (status, error) = app
        .post_authed(
            "/api/v1/data-sources/connect-sheets",
            &token,
            &json!({"url": url, "sheet": "Missing"}),
        )
        .await;
    assert_eq!(status, 422, "{error}");
}

// ---- sync ----

#[tokio::test]
async fn sync_swaps_the_snapshot_reports_drift_and_keeps_notes() {
    let (base, upstream) = serve_upstream().await;
    let app = app().await;
    let (token, _) = app.register_and_login().await;
    let (status, source) = app
        .post_authed(
            "/api/v1/data-sources/connect-api",
            &token,
            &json!({"name": "orders", "url": format!("{base}/orders")}),
        )
        .await;
    assert_eq!(status, 201, "{source}");
    let id = source["id"].as_str().unwrap().to_string();
    let count = "SELECT COUNT(*) AS n, SUM(amount) AS total FROM data";
    assert_eq!(
        sql(&app, &token, &id, count).await["rows"][0],
        json!([3, 60])
    );
    assert_eq!(sql(&app, &token, &id, count).await["cached"], json!(true));
    let response = app
        .authed(Method::PUT, &format!("/api/v1/data-sources/{id}"), &token)
        .json(&json!({"columns": [{"name": "amount", "description": "Order value in EUR", "synonyms": ["revenue"]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    upstream.orders_version.store(2, Ordering::SeqCst);
    let (status, accepted) = app
        .post_authed(
            &format!("/api/v1/data-sources/{id}/sync"),
            &token,
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, accepted["started"].as_bool()),
        (202, Some(true)),
        "{accepted}"
    );
    let synced = settled(&app, &token, &id).await;
    assert_eq!(synced["status"], "connected", "{synced}");
    assert_eq!(
        synced["version"].as_i64(),
        Some(source["version"].as_i64().unwrap() + 1)
    );
    assert_eq!(synced["row_count"], 4);
    assert_eq!(synced["last_sync"]["drift"]["added"], json!(["channel"]));
    assert_eq!(
        (
            synced["last_sync"]["rows_before"].as_i64(),
            synced["last_sync"]["rows_after"].as_i64()
        ),
        (Some(3), Some(4))
    );
    assert!(
        synced["last_synced_at"].as_str().unwrap() > source["last_synced_at"].as_str().unwrap()
    );
    let amount = synced["columns_info"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "amount")
        .unwrap()
        .clone();
    assert_eq!(
        (amount["description"].as_str(), amount["synonyms"].clone()),
        (Some("Order value in EUR"), json!(["revenue"])),
        "notes survive a sync"
    );
    let after = sql(&app, &token, &id, count).await;
    assert_eq!(
        (after["rows"][0].clone(), after["cached"].clone()),
        (json!([4, 100]), json!(false)),
        "recomputed on the new snapshot"
    );
    let snapshots: Vec<_> = app
        .stored_files()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&id))
        .collect();
    assert_eq!(
        snapshots.len(),
        1,
        "the old snapshot is removed: {snapshots:?}"
    );

    // A failed sync says why and leaves the last snapshot answering.
    upstream.orders_version.store(0, Ordering::SeqCst);
    let (status, _) = app
        .post_authed(
            &format!("/api/v1/data-sources/{id}/sync"),
            &token,
            &json!({}),
        )
        .await;
    assert_eq!(status, 202);
    let failed = settled(&app, &token, &id).await;
    assert_eq!(failed["status"], "error");
    let message = failed["status_message"].as_str().unwrap();
    assert!(
        message.contains("502") && message.contains("previous data"),
        "{message}"
    );
    assert_eq!(failed["version"], synced["version"]);
    assert_eq!(
        sql(&app, &token, &id, count).await["rows"][0],
        json!([4, 100])
    );

    // Two syncs asked for at once run once.
    upstream.orders_version.store(1, Ordering::SeqCst);
    upstream.orders_delay_ms.store(500, Ordering::SeqCst);
    let before = upstream.orders_requests.load(Ordering::SeqCst);
    let path = format!("/api/v1/data-sources/{id}/sync");
    let empty = json!({});
    let (first, second) = tokio::join!(
        app.post_authed(&path, &token, &empty),
        app.post_authed(&path, &token, &empty)
    );
    assert_eq!((first.0, second.0), (202, 202));
    let started = [
        first.1["started"].as_bool().unwrap(),
        second.1["started"].as_bool().unwrap(),
    ];
    assert_eq!(started.iter().filter(|s| **s).count(), 1, "{started:?}");
    let done = settled(&app, &token, &id).await;
    assert_eq!(
        (done["status"].as_str(), done["row_count"].as_i64()),
        (Some("connected"), Some(3))
    );
    assert_eq!(
        upstream.orders_requests.load(Ordering::SeqCst) - before,
        1,
        "fetched once"
    );
    assert_eq!(done["last_sync"]["drift"]["removed"], json!(["channel"]));
}

#[tokio::test]
async fn a_sync_left_by_a_stopped_server_is_resumed_and_schedules_run() {
    let (base, upstream) = serve_upstream().await;
    let app = app().await;
    let (token, user) = app.register_and_login().await;
    let (_, source) = app
        .post_authed(
            "/api/v1/data-sources/connect-api",
            &token,
            &json!({"url": format!("{base}/orders")}),
        )
        .await;
    let id: domain::DataSourceId = source["id"].as_str().unwrap().parse().unwrap();
    let user: domain::UserId = user.parse().unwrap();
    // Another server claimed the sync and stopped: its lease ran out a moment ago.
    let now = chrono::Utc::now().timestamp_millis();
    assert!(app
        .state
        .store
        .claim_sync(user, id, "a-server-that-died", now - 10_000, now - 1)
        .await
        .unwrap());
    upstream.orders_version.store(2, Ordering::SeqCst);
    let resumed = settled(&app, &token, &id.to_string()).await;
    assert_eq!(
        (resumed["status"].as_str(), resumed["row_count"].as_i64()),
        (Some("connected"), Some(4)),
        "{resumed}"
    );

    // A schedule: bounded, settable, and off again.
    let put = |body: Value| {
        app.authed(Method::PUT, &format!("/api/v1/data-sources/{id}"), &token)
            .json(&body)
            .send()
    };
    let response = put(json!({"sync_interval_minutes": 1})).await.unwrap();
    assert_eq!(error_code(response, 422).await, "invalid_sync_interval");
    let scheduled: Value = put(json!({"sync_interval_minutes": 60}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(scheduled["sync_interval_minutes"], 60);
    let off: Value = put(json!({"sync_interval_minutes": 0}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(off["sync_interval_minutes"], Value::Null);
}

async fn replace(
    app: &TestApp,
    token: &str,
    id: &str,
    file_name: &str,
    bytes: &[u8],
) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(file_name.to_string());
    let response = app
        .authed(
            Method::POST,
            &format!("/api/v1/data-sources/{id}/upload"),
            token,
        )
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn an_upload_is_replaced_by_a_new_file_in_one_swap() {
    let app = app().await;
    let (ann, _) = app.register_and_login().await;
    let (bob, _) = app.register_and_login().await;
    let first = app
        .upload_ok(&ann, "sales.csv", b"region,amount\nEU,1\nUS,2\n".to_vec())
        .await;
    let id = first["id"].as_str().unwrap();
    let total = "SELECT SUM(amount) FROM data";
    assert_eq!(sql(&app, &ann, id, total).await["rows"][0][0], json!(3));

    // An unreadable file changes nothing.
    let (status, _) = replace(&app, &ann, id, "sales.csv", b"").await;
    assert_eq!(status, 422);
    assert_eq!(sql(&app, &ann, id, total).await["rows"][0][0], json!(3));
    let (status, _) = replace(&app, &bob, id, "sales.csv", b"region,amount\nEU,9\n").await;
    assert_eq!(status, 404, "another user's source");

    let (status, replaced) = replace(
        &app,
        &ann,
        id,
        "sales-v2.csv",
        b"region,amount,channel\nEU,1,web\nUS,2,shop\nEU,7,web\n",
    )
    .await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(
        replaced["version"].as_i64(),
        Some(first["version"].as_i64().unwrap() + 1)
    );
    assert_eq!(replaced["last_sync"]["drift"]["added"], json!(["channel"]));
    assert_eq!(sql(&app, &ann, id, total).await["rows"][0][0], json!(10));
    let files: Vec<_> = app
        .stored_files()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(id))
        .collect();
    assert_eq!(files.len(), 2, "one snapshot and one original: {files:?}");
}

#[tokio::test]
async fn uploads_do_not_sync_and_other_users_sources_are_404() {
    let (base, _) = serve_upstream().await;
    let app = app().await;
    let (ann, _) = app.register_and_login().await;
    let (bob, _) = app.register_and_login().await;
    let upload = app
        .upload_ok(&ann, "sales.csv", b"region,amount\nEU,1\n".to_vec())
        .await;
    let (status, body) = app
        .post_authed(
            &format!(
                "/api/v1/data-sources/{}/sync",
                upload["id"].as_str().unwrap()
            ),
            &ann,
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("not_a_connected_source"))
    );
    let (_, api) = app
        .post_authed(
            "/api/v1/data-sources/connect-api",
            &ann,
            &json!({"url": format!("{base}/orders")}),
        )
        .await;
    let id = api["id"].as_str().unwrap();
    let (status, _) = app
        .post_authed(&format!("/api/v1/data-sources/{id}/sync"), &bob, &json!({}))
        .await;
    assert_eq!(status, 404);
    let response = app
        .authed(Method::GET, &format!("/api/v1/data-sources/{id}"), &bob)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let (status, _) = app
        .post_authed(
            "/api/v1/data-sources/connect-api",
            "not-a-token",
            &json!({"url": format!("{base}/orders")}),
        )
        .await;
    assert_eq!(status, 401);
}

// ---- databases ----

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[tokio::test]
async fn postgres_and_mariadb_sources() {
    let app = app().await;
    let (token, _) = app.register_and_login().await;
    let connect = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            app.post_authed("/api/v1/data-sources/connect-database", &token, &body)
                .await
        }
    };
    if let Some(url) = env("INSIGHTIQ_TEST_DATABASE_URL") {
        let schema = format!("api_conn_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
        for statement in [
            format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
            format!("CREATE SCHEMA {schema}"),
            format!("CREATE TABLE {schema}.sales (region text, amount numeric(12,2), sold_at timestamptz, paid bool)"),
            format!("INSERT INTO {schema}.sales VALUES ('EU', 10.50, '2024-01-02 03:04:05+00', true), ('US', 4.25, NULL, false)"),
        ] {
            sqlx::query(&statement).execute(&mut admin).await.unwrap();
        }
        let user = url
            .split("://")
            .nth(1)
            .unwrap()
            .split('@')
            .next()
            .unwrap()
            .to_string();
        let base = json!({"engine": "postgres", "host": "127.0.0.1", "port": 5432, "database": "test",
                          "user": user, "password": "not-needed-by-trust", "tls_mode": "disable"});
        let mut body = base.clone();
        body["table"] = json!(format!("{schema}.sales"));
        let (status, source) = connect(body).await;
        assert_eq!(status, 201, "{source}");
        assert_eq!(source["type"], "database");
        let types: Vec<&str> = source["columns_info"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["string", "float", "datetime", "boolean"]);
        assert!(
            !source["connection"]
                .to_string()
                .contains("not-needed-by-trust"),
            "password masked"
        );
        let total = sql(
            &app,
            &token,
            source["id"].as_str().unwrap(),
            "SELECT SUM(amount) FROM data",
        )
        .await;
        assert_eq!(total["rows"][0][0], json!(14.75));

        let mut body = base.clone();
        body["query"] = json!(format!("DELETE FROM {schema}.sales"));
        let (status, error) = connect(body).await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (422, Some("read_only_violation")),
            "{error}"
        );
        let mut body = base.clone();
        body["query"] = json!("SELECT pg_sleep(3) AS slept");
        let slow = TestApp::spawn_with(|s| {
            s.connector_allow_hosts = vec!["127.0.0.1".into()];
            s.connector_timeout_secs = 1;
        })
        .await;
        let (slow_token, _) = slow.register_and_login().await;
        let (status, error) = slow
            .post_authed("/api/v1/data-sources/connect-database", &slow_token, &body)
            .await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (422, Some("connection_timeout")),
            "{error}"
        );
        let mut body = base.clone();
        body["user"] = json!("insightiq_no_such_role");
        body["table"] = json!(format!("{schema}.sales"));
        let (status, error) = connect(body).await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (422, Some("connection_unauthorized")),
            "{error}"
        );
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&mut admin)
            .await
            .unwrap();
    } else {
        eprintln!("INSIGHTIQ_TEST_DATABASE_URL is not set; skipping the PostgreSQL source test");
    }
    if let Some(url) = env("INSIGHTIQ_TEST_MYSQL_URL") {
        let table = format!("api_sales_{}", std::process::id());
        let mut admin = sqlx::MySqlConnection::connect(&url).await.unwrap();
        for statement in [
            format!("DROP TABLE IF EXISTS {table}"),
            format!("CREATE TABLE {table} (region VARCHAR(8), amount DECIMAL(12,2), size ENUM('s','m'))"),
            format!("INSERT INTO {table} VALUES ('EU', 10.50, 's'), ('US', 4.25, 'm')"),
        ] {
            sqlx::query(&statement).execute(&mut admin).await.unwrap();
        }
        let (status, source) = connect(json!({"engine": "mysql", "host": "127.0.0.1", "database": "test", "user": "root",
            "tls_mode": "disable", "query": format!("SELECT region, amount, size FROM {table} WHERE amount > 1")}))
        .await;
        assert_eq!(status, 201, "{source}");
        let total = sql(
            &app,
            &token,
            source["id"].as_str().unwrap(),
            "SELECT SUM(amount) FROM data WHERE size = 'm'",
        )
        .await;
        assert_eq!(total["rows"][0][0], json!(4.25));
        sqlx::query(&format!("DROP TABLE {table}"))
            .execute(&mut admin)
            .await
            .unwrap();
    } else {
        eprintln!("INSIGHTIQ_TEST_MYSQL_URL is not set; skipping the MariaDB source test");
    }
}
