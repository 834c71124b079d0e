//! One suite for both cache backends: in-process always, Redis when
//! `INSIGHTIQ_TEST_REDIS_URL` is set (CI sets it).

use server::cache::{Cache, DynCache, MemoryCache, RedisCache};
use std::sync::Arc;
use std::time::Duration;

fn memory() -> DynCache {
    Arc::new(MemoryCache::new(1024 * 1024))
}

async fn redis() -> Option<DynCache> {
    let Ok(url) = std::env::var("INSIGHTIQ_TEST_REDIS_URL") else {
        eprintln!("notice: INSIGHTIQ_TEST_REDIS_URL is not set; skipping the Redis half");
        return None;
    };
    let prefix = format!("insightiq-test:{}:", uuid::Uuid::new_v4().simple());
    Some(Arc::new(
        RedisCache::connect(&url, &prefix)
            .await
            .expect("INSIGHTIQ_TEST_REDIS_URL is unusable"),
    ))
}

async fn round_trip_and_miss(cache: DynCache) {
    assert!(cache.healthy().await);
    assert!(cache.get("query:a:1").await.is_none());
    cache
        .set(
            "query:a:1",
            Arc::from(&b"result"[..]),
            Duration::from_secs(60),
        )
        .await;
    assert_eq!(
        cache.get("query:a:1").await.as_deref(),
        Some(&b"result"[..])
    );
    cache
        .set(
            "query:a:1",
            Arc::from(&b"newer"[..]),
            Duration::from_secs(60),
        )
        .await;
    assert_eq!(cache.get("query:a:1").await.as_deref(), Some(&b"newer"[..]));
}

async fn entries_expire(cache: DynCache) {
    cache
        .set("short", Arc::from(&b"x"[..]), Duration::from_millis(150))
        .await;
    cache
        .set("long", Arc::from(&b"y"[..]), Duration::from_secs(60))
        .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(cache.get("short").await.is_none());
    assert!(cache.get("long").await.is_some());
}

macro_rules! cache_suite {
    ($($case:ident),*) => {
        mod memory {
            $(#[tokio::test] async fn $case() { super::$case(super::memory()).await; })*
        }
        mod redis {
            $(#[tokio::test] async fn $case() {
                if let Some(cache) = super::redis().await { super::$case(cache).await; }
            })*
        }
    };
}

cache_suite!(round_trip_and_miss, entries_expire);

#[tokio::test]
async fn redis_down_degrades_to_misses() {
    // Nothing listens on port 1: every call must fail fast and quietly.
    let Ok(cache) = RedisCache::connect("redis://127.0.0.1:1/", "x:").await else {
        return; // refusing to connect at all is the other acceptable outcome
    };
    assert!(!cache.healthy().await);
    cache
        .set("k", Arc::from(&b"v"[..]), Duration::from_secs(1))
        .await;
    assert!(cache.get("k").await.is_none());
}
