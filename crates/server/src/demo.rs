//! The first-run demo workspace: a demo account with a generated sales dataset
//! and two small public datasets, created once in embedded (non-production) mode.

use crate::error::ApiResult;
use crate::sources::{create_from_upload, ReceivedUpload};
use crate::state::AppState;
use chrono::{Datelike, Duration, NaiveDate};
use std::io::Write;

pub const DEMO_EMAIL: &str = "demo@insightiq.local";
pub const DEMO_PASSWORD: &str = "Demo-pass-2024!";

const PENGUINS: &[u8] = include_bytes!("../demo/penguins.csv");
const SEATTLE_WEATHER: &[u8] = include_bytes!("../demo/seattle_weather.csv");

/// One generated order.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub order_id: u32,
    pub order_date: NaiveDate,
    pub region: &'static str,
    pub country: &'static str,
    pub product: &'static str,
    pub category: &'static str,
    pub customer: String,
    pub channel: &'static str,
    pub quantity: u32,
    pub unit_price: f64,
    pub discount: Option<f64>,
    /// quantity × unit price × (1 − discount), rounded to cents.
    pub revenue: f64,
}

const REGIONS: &[(&str, &[&str])] = &[
    ("North America", &["United States", "Canada", "Mexico"]),
    (
        "Europe",
        &["Germany", "France", "United Kingdom", "Spain", "Italy"],
    ),
    (
        "Asia Pacific",
        &["Japan", "Australia", "Singapore", "India"],
    ),
    ("Latin America", &["Brazil", "Argentina", "Chile"]),
];

const PRODUCTS: &[(&str, &str, f64)] = &[
    ("Laptop Pro 14", "Electronics", 1299.0),
    ("Wireless Mouse", "Electronics", 29.0),
    ("4K Monitor", "Electronics", 449.0),
    ("Noise-Cancelling Headphones", "Electronics", 249.0),
    ("Standing Desk", "Furniture", 599.0),
    ("Ergonomic Chair", "Furniture", 399.0),
    ("Bookshelf", "Furniture", 149.0),
    ("Espresso Machine", "Home", 349.0),
    ("Blender", "Home", 89.0),
    ("Air Purifier", "Home", 199.0),
    ("Running Shoes", "Apparel", 119.0),
    ("Rain Jacket", "Apparel", 159.0),
    ("Yoga Mat", "Sports", 39.0),
    ("Road Bike", "Sports", 1099.0),
    ("Camping Tent", "Sports", 279.0),
];

const CHANNELS: &[&str] = &["Online", "Retail", "Partner"];

/// A small deterministic generator (SplitMix64), so the demo data is the same
/// for the same day on every machine and in tests.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// About two years of orders ending on `today`, with a seasonal pattern
/// (busier Novembers and Decembers, quieter summers) and a little growth.
pub fn sales_orders(today: NaiveDate) -> Vec<Order> {
    let mut rng = SplitMix(0x1A51_6471_0000_2024);
    let start = today - Duration::days(730);
    let mut orders = Vec::new();
    let mut day = start;
    while day <= today {
        let season = match day.month() {
            11 => 1.6,
            12 => 1.9,
            6..=8 => 0.8,
            _ => 1.0,
        };
        let growth = 1.0 + 0.3 * ((day - start).num_days() as f64 / 730.0);
        let per_day = (18.0 * season * growth * (0.75 + 0.5 * rng.unit())).round() as usize;
        for _ in 0..per_day {
            let (region, countries) = REGIONS[rng.below(REGIONS.len())];
            let (product, category, list_price) = PRODUCTS[rng.below(PRODUCTS.len())];
            let quantity = 1 + rng.below(if list_price > 500.0 { 2 } else { 6 }) as u32;
            let unit_price = (list_price * (0.95 + 0.1 * rng.unit()) * 100.0).round() / 100.0;
            let discount = match rng.below(10) {
                0..=5 => Some(0.0),
                6 | 7 => Some(0.05),
                8 => Some(0.1),
                _ => None, // not recorded
            };
            let revenue = (quantity as f64 * unit_price * (1.0 - discount.unwrap_or(0.0)) * 100.0)
                .round()
                / 100.0;
            orders.push(Order {
                order_id: orders.len() as u32 + 1,
                order_date: day,
                region,
                country: countries[rng.below(countries.len())],
                product,
                category,
                customer: format!("Customer {:03}", 1 + rng.below(400)),
                channel: CHANNELS[rng.below(CHANNELS.len())],
                quantity,
                unit_price,
                discount,
                revenue,
            });
        }
        day += Duration::days(1);
    }
    orders
}

/// The orders as CSV text (an empty field where the discount was not recorded).
pub fn sales_csv(orders: &[Order]) -> Vec<u8> {
    let mut out = Vec::with_capacity(orders.len() * 120);
    out.extend_from_slice(
        b"order_id,order_date,region,country,product,category,customer,channel,quantity,unit_price,discount,revenue\n",
    );
    for o in orders {
        let discount = o.discount.map(|d| format!("{d:.2}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{:.2},{},{:.2}",
            o.order_id,
            o.order_date,
            o.region,
            o.country,
            o.product,
            o.category,
            o.customer,
            o.channel,
            o.quantity,
            o.unit_price,
            discount,
            o.revenue
        );
    }
    out
}

/// Creates the demo account and its data sources unless the account exists.
/// Returns whether anything was created.
pub async fn seed(state: &AppState, today: NaiveDate) -> anyhow::Result<bool> {
    if state.store.get_user_by_email(DEMO_EMAIL).await.is_ok() {
        return Ok(false);
    }
    let user = state
        .auth
        .register(
            domain::Email::parse(DEMO_EMAIL)?,
            domain::Password::parse(DEMO_PASSWORD)?,
            domain::FullName::parse("Demo User")?,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo account: {e}"))?;
    let verified = store::UserUpdate {
        is_verified: Some(true),
        ..Default::default()
    };
    let user = state.store.update_user(user.id, verified).await?.id;
    let datasets: [(&str, &str, Vec<u8>); 3] = [
        (
            "Demo sales",
            "demo_sales.csv",
            sales_csv(&sales_orders(today)),
        ),
        ("Palmer penguins", "penguins.csv", PENGUINS.to_vec()),
        (
            "Seattle weather",
            "seattle_weather.csv",
            SEATTLE_WEATHER.to_vec(),
        ),
    ];
    for (name, file_name, bytes) in datasets {
        add_dataset(state, user, name, file_name, &bytes)
            .await
            .map_err(|e| anyhow::anyhow!("seeding {name}: {e}"))?;
    }
    tracing::info!(
        email = DEMO_EMAIL,
        password = DEMO_PASSWORD,
        "demo account ready: log in with these credentials (turn off with --no-demo)"
    );
    Ok(true)
}

async fn add_dataset(
    state: &AppState,
    user: domain::UserId,
    name: &str,
    file_name: &str,
    bytes: &[u8],
) -> ApiResult<()> {
    let temp_dir = state.settings.data_dir.join("uploads/temp");
    std::fs::create_dir_all(&temp_dir).map_err(crate::error::ApiError::internal)?;
    let mut file = tempfile::Builder::new()
        .prefix("demo-")
        .tempfile_in(&temp_dir)
        .map_err(crate::error::ApiError::internal)?;
    file.write_all(bytes)
        .map_err(crate::error::ApiError::internal)?;
    let upload = ReceivedUpload {
        file_name: file_name.to_string(),
        name: Some(name.to_string()),
        sheet: None,
        size: bytes.len() as u64,
        temp: file.into_temp_path(),
    };
    create_from_upload(state, user, upload).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_are_deterministic_and_cover_two_years() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let a = sales_orders(today);
        assert_eq!(a, sales_orders(today));
        assert_eq!(a.first().unwrap().order_date, today - Duration::days(730));
        assert_eq!(a.last().unwrap().order_date, today);
        assert!(a.len() > 10_000, "{}", a.len());
        assert!(a.iter().any(|o| o.discount.is_none()), "some nulls");
        let month_total = |m: u32| {
            a.iter()
                .filter(|o| o.order_date.month() == m)
                .map(|o| o.revenue)
                .sum::<f64>()
        };
        assert!(month_total(12) > month_total(7) * 1.5, "seasonal pattern");
        let csv = String::from_utf8(sales_csv(&a[..2])).unwrap();
        assert_eq!(csv.lines().count(), 3);
    }
}
