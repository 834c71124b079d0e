"""The four issue-5 queries through DuckDB, Polars and pandas on the same Parquet
snapshot InsightIQ wrote; prints the median of warm runs per query and the time
of the first run."""
import statistics
import sys
import time
from datetime import date


def run(label, fn, runs):
    t = time.perf_counter()
    fn()  # warm-up, reported as first_secs
    first = time.perf_counter() - t
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    print(f"{label} median_secs={statistics.median(times):.4f} first_secs={first:.4f}")


def duckdb_queries(path, runs):
    import duckdb
    con = duckdb.connect()
    con.execute(f"CREATE VIEW data AS SELECT * FROM '{path}'")
    qs = {
        "quarter_total": "SELECT SUM(revenue) FROM data WHERE order_date >= DATE '2024-07-01' AND order_date <= DATE '2024-09-30'",
        "by_region": "SELECT region, SUM(revenue) AS revenue FROM data GROUP BY region ORDER BY revenue DESC",
        "monthly": "SELECT date_trunc('month', order_date) AS m, SUM(revenue) FROM data WHERE order_date >= DATE '2024-01-01' AND order_date < DATE '2025-01-01' GROUP BY 1 ORDER BY 1",
        "top_products": "SELECT product, SUM(revenue) AS revenue, COUNT(DISTINCT customer_id) AS customers FROM data GROUP BY product ORDER BY revenue DESC LIMIT 10",
    }
    for name, sql in qs.items():
        run(f"duckdb {name}", lambda sql=sql: con.execute(sql).fetchall(), runs)


def polars_queries(path, runs):
    import polars as pl
    lf = pl.scan_parquet(path)
    qs = {
        "quarter_total": lambda: lf.filter(pl.col("order_date").is_between(date(2024, 7, 1), date(2024, 9, 30))).select(pl.col("revenue").sum()).collect(),
        "by_region": lambda: lf.group_by("region").agg(pl.col("revenue").sum()).sort("revenue", descending=True).collect(),
        "monthly": lambda: lf.filter((pl.col("order_date") >= date(2024, 1, 1)) & (pl.col("order_date") < date(2025, 1, 1))).group_by(pl.col("order_date").dt.truncate("1mo")).agg(pl.col("revenue").sum()).sort("order_date").collect(),
        "top_products": lambda: lf.group_by("product").agg(pl.col("revenue").sum(), pl.col("customer_id").n_unique().alias("customers")).sort("revenue", descending=True).head(10).collect(),
    }
    for name, fn in qs.items():
        run(f"polars {name}", fn, runs)


def pandas_queries(path, runs):
    import pandas as pd

    def load(cols):
        d = pd.read_parquet(path, columns=cols)
        if "order_date" in d:
            # Parquet DATE columns arrive as Python date objects; pandas needs datetime64.
            d["order_date"] = pd.to_datetime(d["order_date"])
        return d

    def quarter():
        d = load(["order_date", "revenue"])
        m = (d.order_date >= pd.Timestamp("2024-07-01")) & (d.order_date <= pd.Timestamp("2024-09-30"))
        return d.revenue[m].sum()

    def monthly():
        d = load(["order_date", "revenue"])
        d = d[(d.order_date >= pd.Timestamp("2024-01-01")) & (d.order_date < pd.Timestamp("2025-01-01"))]
        return d.groupby(d.order_date.dt.to_period("M")).revenue.sum()

    qs = {
        "quarter_total": quarter,
        "by_region": lambda: load(["region", "revenue"]).groupby("region").revenue.sum().sort_values(ascending=False),
        "monthly": monthly,
        "top_products": lambda: load(["product", "revenue", "customer_id"]).groupby("product").agg(revenue=("revenue", "sum"), customers=("customer_id", "nunique")).nlargest(10, "revenue"),
    }
    for name, fn in qs.items():
        run(f"pandas {name}", fn, runs)


if __name__ == "__main__":
    globals()[f"{sys.argv[1]}_queries"](sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5)
