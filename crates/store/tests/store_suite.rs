//! One test suite for every `MetadataStore` backend: each case runs on SQLite
//! always (plain and behind the read cache of the embedded store), and on
//! PostgreSQL when `INSIGHTIQ_TEST_DATABASE_URL` is set (each test in a fresh
//! schema, so runs are isolated and repeatable).

#[macro_use]
mod support;

use chrono::{Duration, Utc};
use domain::{
    ChartSpec, ChartType, DataSourceId, QueryId, QueryType, SourceStatus, SourceType, UserId,
};
use serde_json::json;
use store::*;
use uuid::Uuid;

async fn user(store: &DynStore, email: &str) -> User {
    store
        .create_user(NewUser {
            email: email.to_string(),
            password_hash: "hash".into(),
            full_name: "Test User".into(),
            is_verified: false,
        })
        .await
        .unwrap()
}

async fn source(store: &DynStore, owner: UserId, name: &str) -> DataSource {
    store
        .create_data_source(NewDataSource {
            id: DataSourceId::new(),
            user_id: owner,
            name: name.into(),
            description: None,
            source_type: SourceType::Csv,
            status: SourceStatus::Connected,
            file_path: Some(format!("processed/{owner}/{name}.parquet")),
            original_path: None,
            connection_info: None,
            row_count: 10,
            file_size: 100,
            storage_bytes: 150,
            columns_info: revenue_schema(),
            profile: None,
        })
        .await
        .unwrap()
}

fn revenue_schema() -> domain::SourceSchema {
    serde_json::from_value(json!({"row_count": 10, "columns": [{
        "name": "revenue", "sql_name": "revenue", "type": "float",
        "nullable": false, "null_count": 0
    }]}))
    .unwrap()
}

fn new_query(owner: UserId, source: Option<DataSourceId>, text: &str) -> NewQuery {
    NewQuery {
        user_id: owner,
        data_source_id: source,
        query_text: text.into(),
        query_type: QueryType::Sql,
        interpreted_query: Some(text.into()),
        details: None,
        result_data: json!({"rows": [[1]]}),
        execution_time_ms: 5,
    }
}

async fn query(store: &DynStore, owner: UserId, source: Option<DataSourceId>, text: &str) -> Query {
    store
        .create_query(new_query(owner, source, text))
        .await
        .unwrap()
}

async fn users_crud_and_unique_email(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    assert!(ann.is_active && !ann.is_verified && ann.last_login.is_none());
    assert_eq!(
        store.get_user(ann.id).await.unwrap().email,
        "ann@example.com"
    );
    assert_eq!(
        store.get_user_by_email("ann@example.com").await.unwrap().id,
        ann.id
    );
    assert!(matches!(
        store.get_user_by_email("nobody@example.com").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.get_user(UserId::new()).await,
        Err(StoreError::NotFound)
    ));

    let dup = store
        .create_user(NewUser {
            email: "ann@example.com".into(),
            password_hash: "x".into(),
            full_name: "Other".into(),
            is_verified: false,
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");

    let now = Utc::now();
    let updated = store
        .update_user(
            ann.id,
            UserUpdate {
                full_name: Some("Ann Lee".into()),
                is_verified: Some(true),
                last_login: Some(now),
                avatar_path: Some("avatars/a.png".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.full_name, "Ann Lee");
    assert!(updated.is_verified);
    assert_eq!(updated.email, "ann@example.com", "untouched fields stay");
    assert_eq!(updated.avatar_path.as_deref(), Some("avatars/a.png"));
    assert!(updated.last_login.is_some());

    let bob = user(&store, "bob@example.com").await;
    let clash = store
        .update_user(
            bob.id,
            UserUpdate {
                email: Some("ann@example.com".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict { .. })));
    assert!(matches!(
        store
            .update_user(UserId::new(), UserUpdate::default())
            .await,
        Err(StoreError::NotFound)
    ));

    store.delete_user(bob.id).await.unwrap();
    assert!(matches!(
        store.delete_user(bob.id).await,
        Err(StoreError::NotFound)
    ));
}

async fn data_sources_are_scoped_and_paged(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(source(&store, ann.id, &format!("sales_{i}")).await.id);
    }
    let bobs = source(&store, bob.id, "bobs").await;

    let page = store
        .list_data_sources(ann.id, Page::new(Some(1), Some(2)))
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len()), (5, 2));
    assert_eq!(page.items[0].name, "sales_4", "newest first");
    let last = store
        .list_data_sources(ann.id, Page::new(Some(3), Some(2)))
        .await
        .unwrap();
    assert_eq!(last.items.len(), 1);

    let got = store.get_data_source(ann.id, ids[0]).await.unwrap();
    assert_eq!(
        (got.row_count, got.source_type, got.status),
        (10, SourceType::Csv, SourceStatus::Connected)
    );
    assert_eq!(got.columns_info.0.columns[0].name, "revenue");
    assert_eq!(got.version, 1);

    // Bob can neither read, change nor delete Ann's source.
    assert!(matches!(
        store.get_data_source(bob.id, ids[0]).await,
        Err(StoreError::NotFound)
    ));
    let steal = store
        .update_data_source(
            bob.id,
            ids[0],
            DataSourceUpdate {
                name: Some("mine".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(steal, Err(StoreError::NotFound)));
    assert!(matches!(
        store.delete_data_source(bob.id, ids[0]).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.get_data_source(ann.id, ids[0]).await.unwrap().name,
        "sales_0"
    );
    assert_eq!(
        store
            .list_data_sources(bob.id, Page::default())
            .await
            .unwrap()
            .total,
        1
    );

    let updated = store
        .update_data_source(
            ann.id,
            ids[0],
            DataSourceUpdate {
                name: Some("renamed".into()),
                status: Some(SourceStatus::Error),
                status_message: Some("sync failed".into()),
                bump_version: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.status, updated.version),
        ("renamed", SourceStatus::Error, 2)
    );
    assert_eq!(updated.status_message.as_deref(), Some("sync failed"));

    // The light listing queries use: only the owner's sources, oldest first, with
    // the current name and snapshot version.
    let tables = store.list_source_tables(ann.id).await.unwrap();
    let mut listed: Vec<_> = tables.iter().map(|t| t.id).collect();
    listed.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(listed, expected);
    assert!(tables
        .windows(2)
        .all(|w| w[0].created_at <= w[1].created_at));
    let renamed = tables.iter().find(|t| t.id == ids[0]).unwrap();
    assert_eq!((renamed.name.as_str(), renamed.version), ("renamed", 2));
    let bobs_tables = store.list_source_tables(bob.id).await.unwrap();
    assert_eq!(bobs_tables.len(), 1);
    assert_eq!(bobs_tables[0].id, bobs.id);

    store.delete_data_source(ann.id, ids[0]).await.unwrap();
    assert!(matches!(
        store.get_data_source(ann.id, ids[0]).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.get_data_source(bob.id, bobs.id).await.unwrap().name,
        "bobs"
    );
}

async fn queries_history_saved_and_scoping(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let sales = source(&store, ann.id, "sales").await;
    let q1 = query(&store, ann.id, Some(sales.id), "SELECT 1 -- 100%_done").await;
    let q2 = query(&store, ann.id, None, "select revenue").await;

    // A query may only reference the caller's own data source.
    let foreign = store
        .create_query(NewQuery {
            user_id: bob.id,
            data_source_id: Some(sales.id),
            query_text: "x".into(),
            query_type: QueryType::Sql,
            interpreted_query: None,
            details: None,
            result_data: json!({}),
            execution_time_ms: 1,
        })
        .await;
    assert!(matches!(foreign, Err(StoreError::MissingReference)));

    let all = store
        .list_queries(ann.id, QueryFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(all.total, 2);
    assert_eq!(all.items[0].id, q2.id, "newest first");
    let by_source = QueryFilter {
        data_source_id: Some(sales.id),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_queries(ann.id, by_source, Page::default())
            .await
            .unwrap()
            .total,
        1
    );
    let by_type = QueryFilter {
        query_type: Some(QueryType::NaturalLanguage),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_queries(ann.id, by_type, Page::default())
            .await
            .unwrap()
            .total,
        0
    );
    // `%` and `_` in a search are literal characters, and matching ignores case.
    let search = QueryFilter {
        search: Some("100%_DONE".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_queries(ann.id, search, Page::default())
            .await
            .unwrap()
            .items[0]
            .id,
        q1.id
    );
    let wildcard = QueryFilter {
        search: Some("%".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_queries(ann.id, wildcard, Page::default())
            .await
            .unwrap()
            .total,
        1
    );

    assert!(
        store
            .set_query_saved(ann.id, q1.id, true)
            .await
            .unwrap()
            .is_saved
    );
    let saved = QueryFilter {
        saved_only: true,
        ..Default::default()
    };
    let saved_list = store
        .list_queries(ann.id, saved.clone(), Page::default())
        .await
        .unwrap();
    assert_eq!(
        saved_list.items.iter().map(|q| q.id).collect::<Vec<_>>(),
        vec![q1.id]
    );
    assert!(
        !store
            .set_query_saved(ann.id, q1.id, false)
            .await
            .unwrap()
            .is_saved
    );

    assert!(matches!(
        store.get_query(bob.id, q1.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.set_query_saved(bob.id, q1.id, true).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_query(bob.id, q1.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .list_queries(bob.id, QueryFilter::default(), Page::default())
            .await
            .unwrap()
            .total,
        0
    );

    // Deleting a data source keeps its history, detached.
    store.delete_data_source(ann.id, sales.id).await.unwrap();
    assert_eq!(
        store.get_query(ann.id, q1.id).await.unwrap().data_source_id,
        None
    );

    store.delete_query(ann.id, q2.id).await.unwrap();
    assert!(matches!(
        store.get_query(ann.id, q2.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.get_query(ann.id, QueryId::new()).await,
        Err(StoreError::NotFound)
    ));
}

async fn visualizations_follow_their_query(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let q = query(&store, ann.id, None, "select 1").await;
    let new = |chart_type| NewVisualization {
        query_id: q.id,
        chart_type,
        config_json: ChartSpec {
            x_key: Some("a".into()),
            ..ChartSpec::new(chart_type, "A")
        },
    };
    let kpi = store
        .create_visualization(ann.id, new(ChartType::Kpi))
        .await
        .unwrap();
    let bar = store
        .create_visualization(ann.id, new(ChartType::Bar))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_visualization(bob.id, new(ChartType::Pie))
            .await,
        Err(StoreError::NotFound)
    ));

    let list = store.list_visualizations(ann.id, q.id).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(store
        .list_visualizations(bob.id, q.id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .get_visualization(ann.id, kpi.id)
            .await
            .unwrap()
            .chart_type,
        ChartType::Kpi
    );
    assert!(matches!(
        store.get_visualization(bob.id, kpi.id).await,
        Err(StoreError::NotFound)
    ));

    let changed = store
        .update_visualization(
            ann.id,
            bar.id,
            VisualizationUpdate {
                chart_type: Some(ChartType::Line),
                config_json: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (changed.chart_type, changed.config_json.0.x_key.as_deref()),
        (ChartType::Line, Some("a"))
    );
    let steal = store
        .update_visualization(
            bob.id,
            bar.id,
            VisualizationUpdate {
                chart_type: Some(ChartType::Pie),
                config_json: None,
            },
        )
        .await;
    assert!(matches!(steal, Err(StoreError::NotFound)));
    assert!(matches!(
        store.delete_visualization(bob.id, bar.id).await,
        Err(StoreError::NotFound)
    ));
    store.delete_visualization(ann.id, bar.id).await.unwrap();

    // Deleting the query deletes its charts.
    store.delete_query(ann.id, q.id).await.unwrap();
    assert!(matches!(
        store.get_visualization(ann.id, kpi.id).await,
        Err(StoreError::NotFound)
    ));
}

async fn api_keys_lookup_touch_revoke(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let new = |user_id, hash: &str| NewApiKey {
        user_id,
        key_name: "script".into(),
        key_hash: hash.into(),
        key_prefix: "iq_abcde".into(),
    };
    let key = store.create_api_key(new(ann.id, "h1")).await.unwrap();
    assert!(key.is_active && key.last_used_at.is_none());
    assert!(matches!(
        store.create_api_key(new(bob.id, "h1")).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.find_api_key_by_hash("h1").await.unwrap().id, key.id);
    assert!(matches!(
        store.find_api_key_by_hash("nope").await,
        Err(StoreError::NotFound)
    ));

    store.touch_api_key(key.id, Utc::now()).await.unwrap();
    assert!(store.list_api_keys(ann.id).await.unwrap()[0]
        .last_used_at
        .is_some());
    assert!(store.list_api_keys(bob.id).await.unwrap().is_empty());

    assert!(matches!(
        store.revoke_api_key(bob.id, key.id).await,
        Err(StoreError::NotFound)
    ));
    store.revoke_api_key(ann.id, key.id).await.unwrap();
    assert!(!store.find_api_key_by_hash("h1").await.unwrap().is_active);
    assert!(
        matches!(
            store.revoke_api_key(ann.id, key.id).await,
            Err(StoreError::NotFound)
        ),
        "already revoked"
    );
}

async fn sessions_rotate_and_revoke(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let family = Uuid::new_v4();
    let new = |hash: &str, family_id| NewSession {
        user_id: ann.id,
        family_id,
        token_hash: hash.into(),
        expires_at: Utc::now() + Duration::days(30),
        ip_address: Some("127.0.0.1".into()),
        user_agent: Some("test".into()),
    };
    let first = store.create_session(new("t1", family)).await.unwrap();
    assert!(matches!(
        store.create_session(new("t1", family)).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.find_session_by_hash("t1").await.unwrap().id, first.id);
    assert!(store.mark_session_used(first.id, Utc::now()).await.unwrap());
    assert!(
        !store.mark_session_used(first.id, Utc::now()).await.unwrap(),
        "second use is a replay"
    );
    store.create_session(new("t2", family)).await.unwrap();
    let other = Uuid::new_v4();
    store.create_session(new("t3", other)).await.unwrap();
    assert!(store
        .session_family_active(family, Utc::now())
        .await
        .unwrap());
    assert!(
        !store
            .session_family_active(family, Utc::now() + Duration::days(31))
            .await
            .unwrap(),
        "expired sessions keep no login alive"
    );

    assert_eq!(store.revoke_session_family(family).await.unwrap(), 2);
    assert!(!store
        .session_family_active(family, Utc::now())
        .await
        .unwrap());
    assert!(store
        .session_family_active(other, Utc::now())
        .await
        .unwrap());
    assert_eq!(
        store
            .purge_expired_sessions(ann.id, Utc::now())
            .await
            .unwrap(),
        0,
        "live sessions stay"
    );
    assert!(matches!(
        store.find_session_by_hash("t2").await,
        Err(StoreError::NotFound)
    ));
    store
        .create_session(new("t4", Uuid::new_v4()))
        .await
        .unwrap();
    assert_eq!(
        store
            .revoke_user_sessions(ann.id, Some(other))
            .await
            .unwrap(),
        1
    );
    assert!(
        store.find_session_by_hash("t3").await.is_ok(),
        "kept family survives"
    );
    assert_eq!(store.revoke_user_sessions(ann.id, None).await.unwrap(), 1);

    let mut expired = new("t5", Uuid::new_v4());
    expired.expires_at = Utc::now() - Duration::minutes(1);
    store.create_session(expired).await.unwrap();
    store
        .create_session(new("t6", Uuid::new_v4()))
        .await
        .unwrap();
    assert_eq!(
        store
            .purge_expired_sessions(ann.id, Utc::now())
            .await
            .unwrap(),
        1
    );
    assert!(store.find_session_by_hash("t6").await.is_ok());
}

async fn auth_tokens_are_single_use(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let new = |hash: &str, expires_at| NewAuthToken {
        user_id: ann.id,
        purpose: TokenPurpose::ResetPassword,
        token_hash: hash.into(),
        email: ann.email.clone(),
        expires_at,
    };
    let now = Utc::now();
    store
        .create_auth_token(new("r1", now + Duration::hours(1)))
        .await
        .unwrap();
    store
        .create_auth_token(new("old", now - Duration::minutes(1)))
        .await
        .unwrap();
    assert!(
        matches!(
            store
                .consume_auth_token(TokenPurpose::VerifyEmail, "r1", now)
                .await,
            Err(StoreError::NotFound)
        ),
        "wrong purpose"
    );
    let used = store
        .consume_auth_token(TokenPurpose::ResetPassword, "r1", now)
        .await
        .unwrap();
    assert_eq!(used.user_id, ann.id);
    assert!(
        matches!(
            store
                .consume_auth_token(TokenPurpose::ResetPassword, "r1", now)
                .await,
            Err(StoreError::NotFound)
        ),
        "single use"
    );
    assert!(
        matches!(
            store
                .consume_auth_token(TokenPurpose::ResetPassword, "old", now)
                .await,
            Err(StoreError::NotFound)
        ),
        "expired"
    );
}

async fn deleting_a_user_cascades(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let s = source(&store, ann.id, "sales").await;
    let q = query(&store, ann.id, Some(s.id), "select 1").await;
    let v = store
        .create_visualization(
            ann.id,
            NewVisualization {
                query_id: q.id,
                chart_type: ChartType::Kpi,
                config_json: ChartSpec::new(ChartType::Kpi, ""),
            },
        )
        .await
        .unwrap();
    store
        .create_api_key(NewApiKey {
            user_id: ann.id,
            key_name: "k".into(),
            key_hash: "kh".into(),
            key_prefix: "iq_12345".into(),
        })
        .await
        .unwrap();
    store
        .create_session(NewSession {
            user_id: ann.id,
            family_id: Uuid::new_v4(),
            token_hash: "sh".into(),
            expires_at: Utc::now() + Duration::days(1),
            ip_address: None,
            user_agent: None,
        })
        .await
        .unwrap();
    let bobs = source(&store, bob.id, "bobs").await;

    store.delete_user(ann.id).await.unwrap();
    assert!(matches!(
        store.get_data_source(ann.id, s.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.get_query(ann.id, q.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.get_visualization(ann.id, v.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.find_api_key_by_hash("kh").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.find_session_by_hash("sh").await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store.get_data_source(bob.id, bobs.id).await.is_ok(),
        "other users untouched"
    );
}

async fn statistics_per_user(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let s1 = source(&store, ann.id, "one").await;
    source(&store, ann.id, "two").await;
    source(&store, bob.id, "bobs").await;
    query(&store, ann.id, Some(s1.id), "a").await;
    query(&store, ann.id, Some(s1.id), "b").await;
    query(&store, ann.id, None, "c").await;

    let now = Utc::now();
    let stats = store.user_stats(ann.id, now).await.unwrap();
    assert_eq!(
        stats,
        UserStats {
            data_sources_count: 2,
            queries_count: 3,
            queries_this_month: 3,
            active_datasets: 1,
            storage_used_bytes: 300,
        }
    );
    assert_eq!(
        store.user_stats(bob.id, now).await.unwrap().queries_count,
        0
    );
    assert_eq!(store.recent_queries(ann.id, 2).await.unwrap().len(), 2);

    let daily = store
        .daily_query_counts(ann.id, now - Duration::days(30))
        .await
        .unwrap();
    assert_eq!(
        daily,
        vec![DailyQueryCount {
            day: now.format("%Y-%m-%d").to_string(),
            query_type: "sql".into(),
            count: 3
        }]
    );
    assert_eq!(
        store
            .execution_times(ann.id, now - Duration::days(1))
            .await
            .unwrap(),
        vec![5, 5, 5]
    );
    let by_source = store.query_counts_by_source(ann.id, 5).await.unwrap();
    assert_eq!(
        (
            by_source.len(),
            by_source[0].queries,
            by_source[0].name.as_str()
        ),
        (1, 2, "one")
    );
}

async fn llm_usage_is_counted_per_user_and_key(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let key = domain::ApiKeyId(Uuid::new_v4());
    let spend = |user_id: UserId, api_key_id, prompt, completion| NewLlmUsage {
        user_id,
        api_key_id,
        query_id: Some(QueryId(Uuid::new_v4())),
        model: "test-model".into(),
        prompt_tokens: prompt,
        completion_tokens: completion,
    };
    let before = Utc::now() - Duration::seconds(1);
    let day = Utc::now() - Duration::days(1);
    assert_eq!(
        store
            .llm_tokens_since(UsageScope::User(ann.id), day)
            .await
            .unwrap(),
        0
    );
    store
        .record_llm_usage(spend(ann.id, None, 100, 20))
        .await
        .unwrap();
    store
        .record_llm_usage(spend(ann.id, Some(key), 50, 5))
        .await
        .unwrap();
    store
        .record_llm_usage(spend(bob.id, None, 1000, 1))
        .await
        .unwrap();
    let used = |scope| {
        let store = store.clone();
        async move { store.llm_tokens_since(scope, before).await.unwrap() }
    };
    assert_eq!(used(UsageScope::User(ann.id)).await, 175);
    assert_eq!(used(UsageScope::ApiKey(ann.id, key)).await, 55);
    // The key's tokens belong to its owner only.
    assert_eq!(used(UsageScope::ApiKey(bob.id, key)).await, 0);
    assert_eq!(used(UsageScope::User(bob.id)).await, 1001);
    assert_eq!(
        store
            .llm_tokens_since(UsageScope::User(ann.id), Utc::now() + Duration::seconds(5))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store.daily_llm_tokens(ann.id, day).await.unwrap(),
        vec![DailyLlmTokens {
            day: Utc::now().format("%Y-%m-%d").to_string(),
            prompt_tokens: 150,
            completion_tokens: 25,
        }]
    );
}

async fn sample_values_are_shared_only_when_allowed(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let s = source(&store, ann.id, "one").await;
    assert!(!s.share_sample_values, "off by default");
    let allow = DataSourceUpdate {
        share_sample_values: Some(true),
        ..Default::default()
    };
    assert!(matches!(
        store.update_data_source(bob.id, s.id, allow.clone()).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        !store
            .get_data_source(ann.id, s.id)
            .await
            .unwrap()
            .share_sample_values
    );
    let updated = store.update_data_source(ann.id, s.id, allow).await.unwrap();
    assert!(updated.share_sample_values);
    // Other updates leave the setting alone.
    let renamed = store
        .update_data_source(
            ann.id,
            s.id,
            DataSourceUpdate {
                name: Some("renamed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(renamed.share_sample_values);
    assert!(
        store
            .get_data_source(ann.id, s.id)
            .await
            .unwrap()
            .share_sample_values
    );
}

/// Each read the embedded store caches, read again right after every kind of
/// write that changes its answer.
async fn reads_follow_writes(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    assert!(store.get_user(ann.id).await.unwrap().is_active);
    store
        .update_user(
            ann.id,
            UserUpdate {
                is_active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!store.get_user(ann.id).await.unwrap().is_active);

    assert!(store.list_source_tables(ann.id).await.unwrap().is_empty());
    let sales = source(&store, ann.id, "sales").await;
    let tables = store.list_source_tables(ann.id).await.unwrap();
    assert_eq!((tables.len(), tables[0].version), (1, sales.version));
    store
        .update_data_source(
            ann.id,
            sales.id,
            DataSourceUpdate {
                bump_version: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.list_source_tables(ann.id).await.unwrap()[0].version,
        sales.version + 1,
        "a new snapshot is seen at once"
    );
    store.delete_data_source(ann.id, sales.id).await.unwrap();
    assert!(store.list_source_tables(ann.id).await.unwrap().is_empty());

    let family = Uuid::new_v4();
    let session = |hash: &str, expires_at| NewSession {
        user_id: ann.id,
        family_id: family,
        token_hash: hash.into(),
        expires_at,
        ip_address: None,
        user_agent: None,
    };
    assert!(!store
        .session_family_active(family, Utc::now())
        .await
        .unwrap());
    let soon = Utc::now() + Duration::minutes(5);
    store.create_session(session("s1", soon)).await.unwrap();
    assert!(store
        .session_family_active(family, Utc::now())
        .await
        .unwrap());
    assert!(
        !store
            .session_family_active(family, soon + Duration::seconds(1))
            .await
            .unwrap(),
        "the answer depends on the time asked about"
    );
    store
        .create_session(session("s2", soon + Duration::days(1)))
        .await
        .unwrap();
    assert!(
        store
            .session_family_active(family, soon + Duration::seconds(1))
            .await
            .unwrap(),
        "a rotated session extends the login"
    );
    store.revoke_user_sessions(ann.id, None).await.unwrap();
    assert!(!store
        .session_family_active(family, Utc::now())
        .await
        .unwrap());
    store.create_session(session("s3", soon)).await.unwrap();
    store.revoke_session_family(family).await.unwrap();
    assert_eq!(store.session_family_expires_at(family).await.unwrap(), None);

    store.delete_user(ann.id).await.unwrap();
    assert!(matches!(
        store.get_user(ann.id).await,
        Err(StoreError::NotFound)
    ));
}

/// Several history rows in one statement: each is stored or refused on its
/// own, and a row naming another user's source is refused alone.
async fn history_rows_are_stored_in_groups(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let bobs = source(&store, bob.id, "bob's").await;
    let row = |text: &str, source: Option<DataSourceId>| {
        Query::new_record(NewQuery {
            details: Some(QueryDetails {
                cached: true,
                engine: Some("rules".into()),
                ..Default::default()
            }),
            ..new_query(ann.id, source, text)
        })
    };
    let rows = [
        row("first", None),
        row("not mine", Some(bobs.id)),
        row("third", None),
    ];
    assert_eq!(
        store.insert_queries(&rows).await.unwrap(),
        vec![true, false, true]
    );
    let third = store.get_query(ann.id, rows[2].id).await.unwrap();
    assert_eq!(
        (
            third.query_text.as_str(),
            third.created_at,
            third.details.unwrap().0
        ),
        (
            "third",
            rows[2].created_at,
            QueryDetails {
                cached: true,
                engine: Some("rules".into()),
                ..Default::default()
            }
        ),
        "the stored row equals the record"
    );
    let history = store
        .list_queries(ann.id, QueryFilter::default(), Page::new(None, None))
        .await
        .unwrap();
    assert_eq!(history.total, 2);
    assert!(store.insert_queries(&[]).await.unwrap().is_empty());
}

async fn dashboard_tiles_are_ordered_and_scoped(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let sales = source(&store, ann.id, "sales").await;
    let bobs = source(&store, bob.id, "bobs").await;
    let q = query(&store, ann.id, Some(sales.id), "revenue by region").await;
    let pin = |title: &str, source: DataSourceId, owner: UserId| NewDashboardTile {
        user_id: owner,
        query_id: Some(q.id),
        data_source_id: source,
        source_name: "sales".into(),
        title: title.into(),
        sql_text: "SELECT 1 AS one".into(),
        chart: Some(ChartSpec::new(ChartType::Bar, title)),
        width: 1,
        height: 1,
    };
    let first = store
        .create_tile(pin("first", sales.id, ann.id))
        .await
        .unwrap();
    let second = store
        .create_tile(pin("second", sales.id, ann.id))
        .await
        .unwrap();
    assert_eq!((first.position, second.position), (0, 1));
    assert_eq!(second.chart.as_ref().unwrap().0.title, "second");
    // Another user's source cannot be pinned, and another user's tiles are not there.
    assert!(matches!(
        store.create_tile(pin("theirs", bobs.id, ann.id)).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.list_tiles(bob.id).await.unwrap().is_empty());
    assert!(matches!(
        store.get_tile(bob.id, first.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_tile(bob.id, first.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .update_tile(bob.id, first.id, TileUpdate::default())
            .await,
        Err(StoreError::NotFound)
    ));

    store
        .reorder_tiles(ann.id, &[second.id, first.id])
        .await
        .unwrap();
    let titles: Vec<String> = store
        .list_tiles(ann.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.title)
        .collect();
    assert_eq!(titles, ["second", "first"]);
    // A foreign id fails the whole reorder and changes nothing.
    let bobs_tile = store.create_tile(pin("b", bobs.id, bob.id)).await.unwrap();
    assert!(matches!(
        store
            .reorder_tiles(ann.id, &[first.id, bobs_tile.id, second.id])
            .await,
        Err(StoreError::NotFound)
    ));
    let order: Vec<String> = store
        .list_tiles(ann.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.title)
        .collect();
    assert_eq!(order, ["second", "first"]);

    let resized = store
        .update_tile(
            ann.id,
            first.id,
            TileUpdate {
                title: Some("renamed".into()),
                width: Some(3),
                ..TileUpdate::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (resized.title.as_str(), resized.width, resized.height),
        ("renamed", 3, 1)
    );
    assert!(store
        .update_tile(
            ann.id,
            first.id,
            TileUpdate {
                width: Some(9),
                ..TileUpdate::default()
            },
        )
        .await
        .is_err());

    // Deleting the query keeps the tile; deleting the source leaves it without one.
    store.delete_query(ann.id, q.id).await.unwrap();
    let kept = store.get_tile(ann.id, first.id).await.unwrap();
    assert_eq!(kept.query_id, None);
    store.delete_data_source(ann.id, sales.id).await.unwrap();
    let orphan = store.get_tile(ann.id, first.id).await.unwrap();
    assert_eq!(
        (orphan.data_source_id, orphan.source_name.as_str()),
        (None, "sales")
    );

    store.delete_tile(ann.id, second.id).await.unwrap();
    assert_eq!(store.list_tiles(ann.id).await.unwrap().len(), 1);
}

/// One server at a time holds a source's sync lease; an expired lease is taken
/// over; the schedule, the new snapshot and the report are stored with the source.
async fn sync_leases_are_exclusive_and_expire(store: DynStore) {
    let ann = user(&store, "ann@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let new = NewDataSource {
        id: DataSourceId::new(),
        user_id: ann.id,
        name: "orders api".into(),
        description: None,
        source_type: SourceType::Api,
        status: SourceStatus::Connected,
        file_path: Some("processed/a/orders.parquet".into()),
        original_path: None,
        connection_info: Some(json!({"public": {"url": "https://example.com"}})),
        row_count: 3,
        file_size: 0,
        storage_bytes: 10,
        columns_info: revenue_schema(),
        profile: None,
    };
    let api = store.create_data_source(new).await.unwrap();
    source(&store, ann.id, "upload").await;
    assert!(
        store.sync_candidates().await.unwrap().is_empty(),
        "nothing scheduled yet"
    );

    assert!(
        !store
            .claim_sync(bob.id, api.id, "b", 1_000, 61_000)
            .await
            .unwrap(),
        "not bob's"
    );
    assert!(store
        .claim_sync(ann.id, api.id, "server-1", 1_000, 61_000)
        .await
        .unwrap());
    let syncing = store.get_data_source(ann.id, api.id).await.unwrap();
    assert_eq!(syncing.status, SourceStatus::Syncing);
    assert!(
        !store
            .claim_sync(ann.id, api.id, "server-2", 2_000, 62_000)
            .await
            .unwrap(),
        "a held lease is not taken"
    );
    assert!(store
        .renew_sync_lease(api.id, "server-1", 90_000)
        .await
        .unwrap());
    assert!(!store
        .renew_sync_lease(api.id, "server-2", 90_000)
        .await
        .unwrap());
    let left = store.sync_candidates().await.unwrap();
    assert_eq!(left.len(), 1, "a syncing source is a candidate");
    assert_eq!(
        (left[0].id, left[0].user_id, left[0].sync_lease_until),
        (api.id, ann.id, Some(90_000))
    );
    assert!(
        store
            .claim_sync(ann.id, api.id, "server-2", 90_001, 150_000)
            .await
            .unwrap(),
        "an expired lease is taken over"
    );
    store.release_sync_lease(api.id, "server-1").await.unwrap();
    assert_eq!(
        store.sync_candidates().await.unwrap()[0].sync_lease_until,
        Some(150_000),
        "only the holder releases"
    );

    let report = domain::SyncReport {
        finished_at: "2026-12-04T10:00:00Z".into(),
        rows_before: 3,
        rows_after: 4,
        duration_ms: 12,
        drift: domain::SchemaDrift {
            added: vec!["channel".into()],
            ..Default::default()
        },
    };
    let done = store
        .update_data_source(
            ann.id,
            api.id,
            DataSourceUpdate {
                status: Some(SourceStatus::Connected),
                file_path: Some("processed/a/orders@v2.parquet".into()),
                sync_interval_minutes: Some(Some(60)),
                sync_report: Some(report.clone()),
                bump_version: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store.release_sync_lease(api.id, "server-2").await.unwrap();
    assert_eq!(
        done.file_path.as_deref(),
        Some("processed/a/orders@v2.parquet")
    );
    assert_eq!(
        (done.version, done.sync_interval_minutes),
        (api.version + 1, Some(60))
    );
    assert_eq!(done.sync_report.unwrap().0, report);
    let scheduled = store.sync_candidates().await.unwrap();
    assert_eq!(
        (
            scheduled.len(),
            scheduled[0].status,
            scheduled[0].sync_lease_until
        ),
        (1, SourceStatus::Connected, None)
    );
    let tables = store.list_source_tables(ann.id).await.unwrap();
    assert!(
        tables
            .iter()
            .any(|t| t.file_path.as_deref() == Some("processed/a/orders@v2.parquet")),
        "queries read the new snapshot"
    );

    let off = store
        .update_data_source(
            ann.id,
            api.id,
            DataSourceUpdate {
                sync_interval_minutes: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(off.sync_interval_minutes, None);
    assert!(store.sync_candidates().await.unwrap().is_empty());
}

store_suite!(
    reads_follow_writes,
    history_rows_are_stored_in_groups,
    users_crud_and_unique_email,
    data_sources_are_scoped_and_paged,
    queries_history_saved_and_scoping,
    visualizations_follow_their_query,
    api_keys_lookup_touch_revoke,
    sessions_rotate_and_revoke,
    auth_tokens_are_single_use,
    deleting_a_user_cascades,
    statistics_per_user,
    llm_usage_is_counted_per_user_and_key,
    sample_values_are_shared_only_when_allowed,
    dashboard_tiles_are_ordered_and_scoped,
    sync_leases_are_exclusive_and_expire,
);
