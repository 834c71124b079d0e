//! Query endpoints over real HTTP: sandboxed SQL, natural-language answers,
//! history, saved queries, exports, charts, statistics and isolation.

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::{error_code, shared_table, TestApp};

async fn app_with_sales() -> (TestApp, String, String) {
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let source = app
        .upload_ok(
            &token,
            "supermarket_sales.csv",
            shared_table("supermarket_sales.csv"),
        )
        .await;
    let id = source["id"].as_str().unwrap().to_string();
    (app, token, id)
}

#[tokio::test]
async fn sql_runs_is_cached_and_recorded() {
    let (app, token, id) = app_with_sales().await;
    let sql = "SELECT city, SUM(total) AS sales FROM data GROUP BY city ORDER BY sales DESC";
    let (status, first) = app
        .post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": sql}),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["query_type"], "sql");
    assert_eq!(first["cached"], false);
    let data = &first["result_data"];
    assert_eq!(data["row_count"], 3);
    assert_eq!(data["truncated"], false);
    assert_eq!(data["columns"][0]["name"], "city");
    assert_eq!(data["rows"][0][0], "Naypyitaw");
    assert!((data["rows"][0][1].as_f64().unwrap() - 110568.7065).abs() < 1e-3);

    let (_, second) = app
        .post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": sql}),
        )
        .await;
    assert_eq!(second["cached"], true, "repeat is served from the cache");
    assert_eq!(second["result_data"], first["result_data"]);

    // The table is also reachable by its own name.
    let (status, named) = app
        .post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": "SELECT COUNT(*) AS n FROM supermarket_sales"}),
        )
        .await;
    assert_eq!(
        (status, &named["result_data"]["rows"][0][0]),
        (200, &json!(1000))
    );

    let history = app.get_ok("/api/v1/queries?query_type=sql", &token).await;
    assert_eq!(history["total"], 3);
    let qid = first["id"].as_str().unwrap();
    assert_eq!(
        app.get_ok(&format!("/api/v1/queries/{qid}"), &token).await["query_text"],
        sql
    );

    let saved = app
        .authed(Method::POST, &format!("/api/v1/queries/{qid}/save"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let saved_list = app.get_ok("/api/v1/queries/saved", &token).await;
    assert_eq!(saved_list["total"], 1);
    assert_eq!(saved_list["items"][0]["id"], qid);
    app.authed(
        Method::DELETE,
        &format!("/api/v1/queries/{qid}/save"),
        &token,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        app.get_ok("/api/v1/queries/saved", &token).await["total"],
        0
    );
    let search = app
        .get_ok("/api/v1/queries?search=supermarket_SALES", &token)
        .await;
    assert_eq!(search["total"], 1);

    let deleted = app
        .authed(Method::DELETE, &format!("/api/v1/queries/{qid}"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        app.authed(Method::GET, &format!("/api/v1/queries/{qid}"), &token)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

/// Concurrent requests share history commits: every one is answered with its own
/// stored row, and the history holds them all.
#[tokio::test]
async fn concurrent_queries_are_each_recorded() {
    // More requests at once than the per-minute query limit allows.
    let app = TestApp::spawn_with(|s| s.rate_limits_enabled = false).await;
    let (token, _) = app.register_and_login().await;
    let source = app
        .upload_ok(&token, "sales.csv", shared_table("supermarket_sales.csv"))
        .await;
    let id = source["id"].as_str().unwrap();
    let body = json!({"data_source_id": id, "sql": "SELECT COUNT(*) AS n FROM data"});
    let requests = (0..40).map(|_| app.post_authed("/api/v1/queries/execute", &token, &body));
    let answers = futures::future::join_all(requests).await;
    let mut ids = std::collections::HashSet::new();
    for (status, answer) in &answers {
        assert_eq!(*status, 200, "{answer}");
        assert_eq!(answer["result_data"]["rows"][0][0], 1000);
        ids.insert(answer["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 40, "one history row per request");
    let history = app.get_ok("/api/v1/queries?page_size=100", &token).await;
    assert_eq!(history["total"], 40);
    for qid in &ids {
        let stored = app.get_ok(&format!("/api/v1/queries/{qid}"), &token).await;
        assert_eq!(stored["result_data"]["rows"][0][0], 1000);
    }
}

#[tokio::test]
async fn exports_in_every_format() {
    let (app, token, id) = app_with_sales().await;
    let sql = "SELECT city, COUNT(*) AS n FROM data GROUP BY city ORDER BY city";
    let (_, q) = app
        .post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": sql}),
        )
        .await;
    let qid = q["id"].as_str().unwrap();
    let get = |format: &'static str| {
        app.authed(
            Method::GET,
            &format!("/api/v1/queries/{qid}/export?format={format}"),
            &token,
        )
        .send()
    };
    let csv = get("csv").await.unwrap();
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".csv"));
    assert_eq!(
        csv.text().await.unwrap(),
        "city,n\nMandalay,332\nNaypyitaw,328\nYangon,340\n"
    );
    let json_rows: Value = get("json").await.unwrap().json().await.unwrap();
    assert_eq!(json_rows[2], json!({"city": "Yangon", "n": 340}));
    let xlsx = get("xlsx").await.unwrap().bytes().await.unwrap();
    assert_eq!(&xlsx[..2], b"PK", "xlsx is a zip");
    let parquet = get("parquet").await.unwrap().bytes().await.unwrap();
    assert_eq!(&parquet[..4], b"PAR1");
    let bad = get("pdf").await.unwrap();
    assert_eq!(error_code(bad, 422).await, "invalid_format");
}

#[tokio::test]
async fn the_sandbox_refuses_and_keeps_serving() {
    let app = TestApp::spawn_with(|s| s.query_timeout_secs = 2).await;
    let (token, _) = app.register_and_login().await;
    let (bob, _) = app.register_and_login().await;
    let mine = app
        .upload_ok(&token, "tips.csv", shared_table("tips.csv"))
        .await;
    app.upload_ok(&bob, "penguins.csv", shared_table("penguins.csv"))
        .await;
    let id = mine["id"].as_str().unwrap();
    let refused = [
        "CREATE EXTERNAL TABLE x STORED AS CSV LOCATION '/etc/passwd'",
        "COPY (SELECT 1) TO '/tmp/x.csv'",
        "INSERT INTO data VALUES (1)",
        "DROP TABLE data",
        "SET datafusion.execution.batch_size = 1",
        "SELECT 1; SELECT 2",
        "SELECT * FROM read_parquet('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM penguins",
        "SELECT nope FROM data",
        "SELEC 1",
    ];
    for sql in refused {
        let (status, body) = app
            .post_authed(
                "/api/v1/queries/execute",
                &token,
                &json!({"data_source_id": id, "sql": sql}),
            )
            .await;
        assert!((400..500).contains(&status), "{sql}: {status} {body}");
        assert!(body["error"]["message"].is_string(), "{sql}: {body}");
    }
    let (_, body) = app
        .post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": "SELECT tipp FROM data"}),
        )
        .await;
    assert!(
        body["error"]["message"].as_str().unwrap().contains("tip"),
        "suggests the real column: {body}"
    );
    // Billions of intermediate rows are refused before they start.
    let huge = "SELECT COUNT(*) FROM data a, data b, data c, data d";
    let (status, body) = app
        .post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": huge}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("query_too_large")),
        "{body}"
    );
    // Refused before it ran: the next query is answered at once.
    let sql = json!({"data_source_id": id, "sql": "SELECT COUNT(*) AS n FROM data"});
    let (status, body) = app
        .post_authed("/api/v1/queries/execute", &token, &sql)
        .await;
    assert_eq!(
        (status, &body["result_data"]["rows"][0][0]),
        (200, &json!(244)),
        "{body}"
    );
}

#[tokio::test]
async fn natural_language_answers_with_chart_and_history() {
    let (app, token, id) = app_with_sales().await;
    let (status, answer) = app
        .post_authed(
            "/api/v1/queries/natural-language",
            &token,
            &json!({"data_source_id": id, "query_text": "total sales by city"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "answered");
    assert_eq!(answer["engine"], "rules");
    assert!(answer["interpreted_query"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("group by"));
    assert!(answer["interpretation"]["summary"].is_string());
    let rows = answer["result_data"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let total: f64 = rows
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .find_map(Value::as_f64)
                .unwrap()
        })
        .sum();
    assert!((total - 322966.749).abs() < 0.01, "{total}");
    assert_eq!(answer["visualizations"][0]["chart_type"], "bar");

    let (_, kpi) = app
        .post_authed(
            "/api/v1/queries/natural-language",
            &token,
            &json!({"data_source_id": id, "query_text": "What is the total sales?"}),
        )
        .await;
    assert_eq!(kpi["visualizations"][0]["chart_type"], "kpi", "{kpi}");
    let column = kpi["result_data"]["columns"][0]["name"].as_str().unwrap();
    assert!(
        (kpi["result_data"][column].as_f64().unwrap() - 322966.749).abs() < 0.01,
        "named scalar: {kpi}"
    );

    let (status, unsure) = app
        .post_authed(
            "/api/v1/queries/natural-language",
            &token,
            &json!({"data_source_id": id, "query_text": "what is the meaning of life"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(unsure["status"], "needs_clarification", "{unsure}");
    assert!(unsure["suggestions"].as_array().unwrap().len() >= 2);

    let history = app
        .get_ok("/api/v1/queries?query_type=natural_language", &token)
        .await;
    assert_eq!(history["total"], 3);
}

#[tokio::test]
async fn visualizations_are_validated_and_scoped() {
    let (app, token, id) = app_with_sales().await;
    let (bob, _) = app.register_and_login().await;
    let sql = "SELECT city, SUM(total) AS sales FROM data GROUP BY city";
    let (_, q) = app
        .post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": sql}),
        )
        .await;
    let qid = q["id"].as_str().unwrap();

    let good = json!({"query_id": qid, "chart_type": "pie", "config_json": {"x_key": "city", "y_keys": ["sales"]}});
    let (status, viz) = app
        .post_authed("/api/v1/visualizations", &token, &good)
        .await;
    assert_eq!(status, 201, "{viz}");
    assert_eq!(viz["chart_type"], "pie");
    let vid = viz["id"].as_str().unwrap();

    let bad = json!({"query_id": qid, "chart_type": "bar", "config_json": {"x_key": "country", "y_keys": ["sales"]}});
    let (status, body) = app
        .post_authed("/api/v1/visualizations", &token, &bad)
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("country"),
        "{body}"
    );
    let unknown_type = json!({"query_id": qid, "chart_type": "donut", "config_json": {}});
    assert_eq!(
        app.post_authed("/api/v1/visualizations", &token, &unknown_type)
            .await
            .0,
        422
    );

    let list: Value = app
        .get_ok(&format!("/api/v1/visualizations/{qid}"), &token)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let put = app
        .authed(
            Method::PUT,
            &format!("/api/v1/visualizations/{vid}"),
            &token,
        )
        .json(&json!({"chart_type": "bar"}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);

    // Bob sees nothing of Ann's.
    assert_eq!(
        app.authed(Method::GET, &format!("/api/v1/visualizations/{qid}"), &bob)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.authed(
            Method::DELETE,
            &format!("/api/v1/visualizations/{vid}"),
            &bob
        )
        .send()
        .await
        .unwrap()
        .status(),
        404
    );
    assert_eq!(
        app.authed(Method::GET, &format!("/api/v1/queries/{qid}"), &bob)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let (status, _) = app.post_authed("/api/v1/visualizations", &bob, &good).await;
    assert_eq!(status, 404);
    let (status, _) = app
        .post_authed(
            "/api/v1/queries/execute",
            &bob,
            &json!({"data_source_id": id, "sql": "SELECT 1"}),
        )
        .await;
    assert_eq!(status, 404);

    let deleted = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/visualizations/{vid}"),
            &token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
}

#[tokio::test]
async fn dashboard_and_usage_statistics() {
    let (app, token, id) = app_with_sales().await;
    for sql in ["SELECT 1 AS one", "SELECT COUNT(*) FROM data"] {
        app.post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": sql}),
        )
        .await;
    }
    let dash = app.get_ok("/api/v1/stats/dashboard", &token).await;
    assert_eq!(dash["data_sources_count"], 1);
    assert_eq!(dash["queries_count"], 2);
    assert_eq!(dash["queries_this_month"], 2);
    assert_eq!(dash["active_datasets"], 1);
    assert!(dash["storage_used_bytes"].as_i64().unwrap() > 100_000);
    assert_eq!(dash["storage_limit_bytes"], 10u64 * 1024 * 1024 * 1024);
    let kinds: Vec<&str> = dash["recent_activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"upload") && kinds.contains(&"query"),
        "{kinds:?}"
    );

    let usage = app.get_ok("/api/v1/stats/usage", &token).await;
    let days = usage["queries_per_day"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(days.last().unwrap()["sql"], 2);
    assert_eq!(usage["top_data_sources"][0]["queries"], 2);
    assert_eq!(usage["storage_by_source"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn sql_accepts_the_files_own_column_names() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let tsv = "Market\tProfit\tUnit Price\tCafé\t2020 Sales\tOrder\tSales\tSales\n\
               East\t10\t1.5\tx\t100\t1\t5\t50\n\
               West\t20\t2.5\ty\t200\t2\t6\t60\n\
               East\t30\t3.5\tx\t300\t3\t7\t70\n";
    let source = app
        .upload_ok(&token, "markets.tsv", tsv.as_bytes().to_vec())
        .await;
    let id = source["id"].as_str().unwrap().to_string();
    let run = |sql: &'static str| {
        let (app, token, id) = (&app, &token, &id);
        async move {
            app.post_authed(
                "/api/v1/queries/execute",
                token,
                &json!({"data_source_id": id, "sql": sql}),
            )
            .await
        }
    };
    let names = |data: &Value| -> Vec<String> {
        data["result_data"]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };

    // The reported case: quoted headers, as the file and the preview show them.
    let (status, q) =
        run(r#"SELECT "Market", SUM("Profit") AS profit FROM data GROUP BY 1 ORDER BY 1"#).await;
    assert_eq!(status, 200, "{q}");
    assert_eq!(names(&q), ["Market", "profit"]);
    assert_eq!(
        q["result_data"]["rows"],
        json!([["East", 40], ["West", 20]])
    );

    // Any case, quoted or not; spaces, accents, leading digits, reserved words.
    let (status, q) = run(
        r#"SELECT market, MARKET, "Unit Price", "CAFÉ", "2020 Sales", "Order" FROM data WHERE "unit price" > 2 ORDER BY "Order""#,
    )
    .await;
    assert_eq!(status, 200, "{q}");
    assert_eq!(
        names(&q),
        [
            "market",
            "Market",
            "Unit Price",
            "Café",
            "2020 Sales",
            "Order"
        ]
    );
    assert_eq!(
        q["result_data"]["rows"][0],
        json!(["West", "West", 2.5, "y", 200, 2])
    );

    // Duplicate headers keep the names ingest gave them.
    let (status, q) = run(r#"SELECT "Sales", "Sales_2" FROM data ORDER BY "Sales""#).await;
    assert_eq!(status, 200, "{q}");
    assert_eq!(names(&q), ["Sales", "Sales_2"]);
    assert_eq!(q["result_data"]["rows"][2], json!([7, 70]));

    // Suggestions offer the names people see.
    let (status, err) = run(r#"SELECT "Unit Prise" FROM data"#).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["error"]["code"], "unknown_column");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains(r#""Unit Price""#), "{message}");

    // Saved and exported queries resolve the same way.
    let (_, saved) = run(r#"SELECT "Market", "Profit" FROM data ORDER BY "Profit""#).await;
    let qid = saved["id"].as_str().unwrap();
    let csv = app
        .authed(
            Method::GET,
            &format!("/api/v1/queries/{qid}/export?format=csv"),
            &token,
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv, "Market,Profit\nEast,10\nWest,20\nEast,30\n");
}
