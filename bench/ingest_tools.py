"""Ingest and profile the same CSV with DuckDB, Polars and pandas (one tool per call),
printing seconds; peak memory is measured by the caller with /usr/bin/time."""
import sys
import time


def duckdb_ingest(csv, out):
    import duckdb
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{csv}')) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")


def polars_ingest(csv, out):
    import polars as pl
    pl.scan_csv(csv, try_parse_dates=True).sink_parquet(out, compression="zstd")


def pandas_ingest(csv, out):
    import pandas as pd
    pd.read_csv(csv, parse_dates=["order_date"]).to_parquet(out, compression="zstd")


def duckdb_profile(parquet, _):
    import duckdb
    duckdb.connect().execute(f"SUMMARIZE SELECT * FROM '{parquet}'").fetchall()


def polars_profile(parquet, _):
    import polars as pl
    df = pl.scan_parquet(parquet)
    cols = df.collect_schema().names()
    df.select(
        [pl.col(c).null_count().alias(f"{c}_nulls") for c in cols]
        + [pl.col(c).n_unique().alias(f"{c}_distinct") for c in cols]
        + [pl.col(c).min().alias(f"{c}_min") for c in cols]
        + [pl.col(c).max().alias(f"{c}_max") for c in cols]
    ).collect()


if __name__ == "__main__":
    tool, a, b = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""
    t = time.perf_counter()
    globals()[tool](a, b)
    print(f"{tool} secs={time.perf_counter() - t:.3f}")
