//! Data-source endpoints over real HTTP: upload of real and broken files,
//! listing, reading, annotating, preview, profile, deletion and isolation.

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::{error_code, shared_table, TestApp};

fn column<'a>(source: &'a Value, name: &str) -> &'a Value {
    source["columns_info"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no column {name} in {source}"))
}

#[tokio::test]
async fn upload_real_file_then_list_get_preview_profile() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let source = app
        .upload_ok(
            &token,
            "supermarket_sales.csv",
            shared_table("supermarket_sales.csv"),
        )
        .await;
    assert_eq!(source["type"], "csv");
    assert_eq!(source["status"], "connected");
    assert_eq!(source["row_count"], 1000);
    assert_eq!(source["name"], "supermarket_sales");
    assert_eq!(source["table_name"], "supermarket_sales");
    assert!(source["file_size"].as_i64().unwrap() > 100_000);
    for key in ["id", "created_at", "columns_info"] {
        assert!(!source[key].is_null(), "{key} missing");
    }
    assert_eq!(column(&source, "Total")["type"], "float");
    assert_eq!(column(&source, "Quantity")["type"], "integer");
    assert_eq!(column(&source, "City")["type"], "string");
    assert_eq!(column(&source, "Date")["type"], "date");
    assert_eq!(column(&source, "City")["distinct_count"], 3);

    let id = source["id"].as_str().unwrap();
    let list = app.get_ok("/api/v1/data-sources", &token).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id);
    assert_eq!(
        app.get_ok(&format!("/api/v1/data-sources/{id}"), &token)
            .await["row_count"],
        1000
    );

    let page = app
        .get_ok(
            &format!("/api/v1/data-sources/{id}/preview?offset=10&limit=5"),
            &token,
        )
        .await;
    assert_eq!(page["rows"].as_array().unwrap().len(), 5);
    assert_eq!(page["total_rows"], 1000);
    assert_eq!(page["offset"], 10);
    assert!(page["columns"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["type"] == "date"));
    let again = app
        .get_ok(
            &format!("/api/v1/data-sources/{id}/preview?offset=10&limit=5"),
            &token,
        )
        .await;
    assert_eq!(again["cached"], true, "previews are cached");
    assert_eq!(again["rows"], page["rows"]);

    let profile = app
        .get_ok(&format!("/api/v1/data-sources/{id}/profile"), &token)
        .await;
    assert!(
        profile["columns"].as_array().unwrap().len() >= 17,
        "{profile}"
    );

    let suggestions = app
        .get_ok(&format!("/api/v1/data-sources/{id}/suggestions"), &token)
        .await;
    assert!(
        suggestions["questions"].as_array().unwrap().len() >= 3,
        "{suggestions}"
    );
}

#[tokio::test]
async fn rename_describe_and_delete_removes_files() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let source = app
        .upload_ok(&token, "tips.csv", shared_table("tips.csv"))
        .await;
    let id = source["id"].as_str().unwrap();
    assert_eq!(app.stored_files().len(), 2, "original and snapshot");

    let path = format!("/api/v1/data-sources/{id}");
    let body = json!({"name": "Restaurant tips", "description": "One row per bill",
        "columns": [{"name": "tip", "description": "gratuity in USD", "synonyms": ["gratuity"]}]});
    let updated: Value = app
        .authed(Method::PUT, &path, &token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["name"], "Restaurant tips");
    assert_eq!(updated["description"], "One row per bill");
    assert_eq!(updated["table_name"], "restaurant_tips");
    assert_eq!(column(&updated, "tip")["synonyms"], json!(["gratuity"]));

    let bad = json!({"columns": [{"name": "nope", "description": "x"}]});
    let response = app
        .authed(Method::PUT, &path, &token)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(response, 422).await, "unknown_column");
    let empty_name = app
        .authed(Method::PUT, &path, &token)
        .json(&json!({"name": "  "}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(empty_name, 422).await, "invalid_length");

    // A whole-table query keeps the snapshot's columns in memory; deleting the
    // source drops them.
    let (status, _) = app
        .post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": "SELECT * FROM data"}),
        )
        .await;
    assert_eq!(status, 200);
    let columns = app.state.sandbox.column_cache().unwrap();
    assert!(columns.bytes() > 0);

    let deleted = app
        .authed(Method::DELETE, &path, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(columns.bytes(), 0, "the snapshot's columns are dropped");
    assert!(
        app.stored_files().is_empty(),
        "files removed: {:?}",
        app.stored_files()
    );
    assert_eq!(
        error_code(
            app.authed(Method::GET, &path, &token).send().await.unwrap(),
            404
        )
        .await,
        "not_found"
    );
}

#[tokio::test]
async fn another_users_source_is_a_404() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.register_and_login().await;
    let (bob, _) = app.register_and_login().await;
    let source = app
        .upload_ok(&ann, "tips.csv", shared_table("tips.csv"))
        .await;
    let id = source["id"].as_str().unwrap();
    for (method, path) in [
        (Method::GET, format!("/api/v1/data-sources/{id}")),
        (Method::GET, format!("/api/v1/data-sources/{id}/preview")),
        (Method::GET, format!("/api/v1/data-sources/{id}/profile")),
        (Method::PUT, format!("/api/v1/data-sources/{id}")),
        (Method::DELETE, format!("/api/v1/data-sources/{id}")),
    ] {
        let response = app
            .authed(method.clone(), &path, &bob)
            .json(&json!({"name": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{method} {path}");
    }
    assert_eq!(app.get_ok("/api/v1/data-sources", &bob).await["total"], 0);
    assert_eq!(
        app.get_ok(&format!("/api/v1/data-sources/{id}"), &ann)
            .await["name"],
        "tips"
    );
    let anonymous = app.get("/api/v1/data-sources").await;
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn broken_files_are_refused_and_leave_nothing_behind() {
    let app = TestApp::spawn_with(|s| s.max_upload_bytes = 2 * 1024 * 1024).await;
    let (token, _) = app.register_and_login().await;
    let mut ragged = b"a,b,c\n1,2,3\n4,5\n".to_vec();
    ragged.extend_from_slice(b"6,7,8\n");
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("empty.csv", Vec::new(), 422),
        ("header_only.csv", b"a,b,c\n".to_vec(), 422),
        (
            "binary.csv",
            vec![0u8, 159, 146, 150, 0, 1, 2, 3, 255, 254, 0, 0, 7, 8],
            415,
        ),
        ("ragged.csv", ragged, 422),
        ("quote.csv", b"a,b\n1,\"never closed\n2,3\n".to_vec(), 422),
        ("scalar.json", b"42".to_vec(), 422),
        ("fake.xlsx", b"this is not a zip".to_vec(), 422),
        ("notes.pdf", b"%PDF-1.4".to_vec(), 415),
        ("big.csv", vec![b'x'; 3 * 1024 * 1024], 413),
    ];
    for (name, bytes, status) in cases {
        let response = app.upload(&token, name, bytes).await;
        assert_eq!(response.status().as_u16(), status, "{name}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "{name}: {body}"
        );
    }
    assert_eq!(app.get_ok("/api/v1/data-sources", &token).await["total"], 0);
    assert_eq!(
        app.get_ok("/api/v1/stats/dashboard", &token).await["storage_used_bytes"],
        0
    );
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());
    let temp = app.data_dir.path().join("uploads/temp");
    let leftovers = std::fs::read_dir(&temp).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0, "temp files cleaned up");
}

#[tokio::test]
async fn storage_quota_is_enforced() {
    let app = TestApp::spawn_with(|s| s.storage_limit_bytes = 1000).await;
    let (token, _) = app.register_and_login().await;
    let response = app
        .upload(&token, "tips.csv", shared_table("tips.csv"))
        .await;
    assert_eq!(error_code(response, 413).await, "storage_quota_exceeded");
}

#[tokio::test]
async fn insights_are_found_explained_and_reproducible() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let (bob, _) = app.register_and_login().await;
    let source = app
        .upload_ok(&token, "penguins.csv", shared_table("penguins.csv"))
        .await;
    let id = source["id"].as_str().unwrap();
    let report = app
        .get_ok(&format!("/api/v1/data-sources/{id}/insights"), &token)
        .await;
    let insights = report["insights"].as_array().unwrap();
    assert!(!insights.is_empty(), "{report}");
    for insight in insights {
        for key in ["type", "title", "explanation", "sql", "chart", "numbers"] {
            assert!(!insight[key].is_null(), "{key} missing in {insight}");
        }
    }
    // Flipper length and body mass are strongly correlated in this data set.
    assert!(
        insights.iter().any(|i| i["type"] == "correlation"
            && i["explanation"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("flipper")),
        "{report}"
    );
    // The SQL behind a finding runs as-is.
    let sql = insights[0]["sql"].as_str().unwrap();
    let (status, body) = app
        .post_authed(
            "/api/v1/queries/execute",
            &token,
            &json!({"data_source_id": id, "sql": sql}),
        )
        .await;
    assert_eq!(status, 200, "{sql}: {body}");
    // Same data, same report: a second upload of the file (another snapshot, nothing
    // cached for it) gives identical findings. Another user gets a 404.
    let twin = app
        .upload_ok(&token, "penguins.csv", shared_table("penguins.csv"))
        .await;
    let twin_id = twin["id"].as_str().unwrap();
    assert_ne!(twin_id, id);
    let twin_report = app
        .get_ok(&format!("/api/v1/data-sources/{twin_id}/insights"), &token)
        .await;
    assert_eq!(twin_report, report);
    let other = app
        .authed(
            Method::GET,
            &format!("/api/v1/data-sources/{id}/insights"),
            &bob,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}

#[tokio::test]
async fn supermarket_insights_fold_derived_columns_and_carry_their_charts() {
    // Tax 5%, Total, cogs and gross income are fixed multiples of one another in this
    // file: one structure note, not a wall of r = 1.00 correlation cards.
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let source = app
        .upload_ok(
            &token,
            "supermarket_sales.csv",
            shared_table("supermarket_sales.csv"),
        )
        .await;
    let id = source["id"].as_str().unwrap();
    let report = app
        .get_ok(&format!("/api/v1/data-sources/{id}/insights"), &token)
        .await;
    let insights = report["insights"].as_array().unwrap();
    let structure: Vec<&Value> = insights
        .iter()
        .filter(|i| i["type"] == "data_structure")
        .collect();
    assert_eq!(structure.len(), 1, "{report:#}");
    let note = structure[0]["explanation"].as_str().unwrap();
    assert!(note.contains("Gross income equals Tax 5%"), "{note}");
    for i in insights {
        if i["type"] == "correlation" {
            let r = i["numbers"]["pearson_r"].as_f64().unwrap_or(0.0);
            assert!(r.abs() < 0.999, "{i:#}");
        }
        // Every finding has the rows its chart is drawn from, and a question.
        let rows = i["result"]["rows"].as_array().unwrap();
        assert!(!rows.is_empty(), "{i:#}");
        assert!(!i["question"].as_str().unwrap().is_empty());
    }
    let headline = report["headline_count"].as_u64().unwrap() as usize;
    assert!(
        headline <= 8 && headline == insights.len().min(8),
        "{report:#}"
    );
}
