//! Ingest on every core: a delimited file is cut at line ends into spans that
//! worker threads read independently — inferring types in the first pass, encoding
//! one Parquet row group per span in the second — and the results are taken in
//! file order, so the outcome (types, rows, row order, the first error) is the one
//! a single front-to-back reading gives. A cut that falls inside a quoted value
//! (one with a line break) is detected, and the file is then read as one span.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

use datafusion::arrow::datatypes::SchemaRef;

use crate::error::Result;
use crate::ingest::build::RowGroupFile;
use crate::ingest::infer::{ColumnInference, ColumnPlan};

/// Bytes `start..end` of a file (`end: None`: to its end), beginning at a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: u64,
    pub end: Option<u64>,
}

/// How a span's text ended.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpanEnd {
    /// Inside a quoted value: the next span does not begin at a record.
    pub open_quote: bool,
}

/// A row source that can be read in spans on several threads.
pub(crate) trait SplitRows: Sync {
    /// The whole source as one span.
    fn whole(&self) -> Span;
    /// About `parts` spans in file order, covering the source.
    fn spans(&self, parts: usize) -> Result<Vec<Span>>;
    /// Call `f` with each data row of `span`.
    fn scan_span(&self, span: &Span, f: &mut dyn FnMut(&[&str]) -> Result<()>) -> Result<SpanEnd>;
}

/// Worker threads per ingest: one per core.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Evidence about every column, with the row count and the spans it was read in
/// (the spans to convert with, known to begin at records).
pub(crate) struct Inferred {
    pub columns: Vec<ColumnInference>,
    pub rows: u64,
    pub spans: Vec<Span>,
}

/// Pass 1: infer column types from every value, reading spans in parallel.
pub(crate) fn infer(
    source: &dyn SplitRows,
    ncols: usize,
    allow_decimal_comma: bool,
) -> Result<Inferred> {
    let threads = threads();
    let spans = source.spans(threads * 4)?;
    if spans.len() > 1 {
        if let Some(inferred) = infer_spans(source, spans, ncols, allow_decimal_comma, threads)? {
            return Ok(inferred);
        }
    }
    // One span, or a cut fell inside a quoted value: read front to back.
    let whole = vec![source.whole()];
    infer_spans(source, whole, ncols, allow_decimal_comma, 1)?
        .ok_or_else(|| crate::error::Error::internal("a whole-file span cannot end mid-record"))
}

fn infer_spans(
    source: &dyn SplitRows,
    spans: Vec<Span>,
    ncols: usize,
    allow_decimal_comma: bool,
    threads: usize,
) -> Result<Option<Inferred>> {
    let fresh = || -> Vec<ColumnInference> {
        (0..ncols)
            .map(|_| ColumnInference::new(allow_decimal_comma))
            .collect()
    };
    let mut columns = fresh();
    let mut rows = 0u64;
    let last = spans.len() - 1;
    let complete = run_in_order(
        spans.len(),
        threads,
        |i| {
            let mut evidence = fresh();
            let mut n = 0u64;
            let end = source.scan_span(&spans[i], &mut |row| {
                n += 1;
                for (inf, v) in evidence.iter_mut().zip(row) {
                    inf.observe(v);
                }
                Ok(())
            })?;
            Ok((evidence, n, end))
        },
        |i, (evidence, n, end)| {
            for (c, e) in columns.iter_mut().zip(&evidence) {
                c.merge(e);
            }
            rows += n;
            Ok(!(end.open_quote && i < last))
        },
    )?;
    Ok(complete.then_some(Inferred {
        columns,
        rows,
        spans,
    }))
}

/// Pass 2: convert each span into a row group on the worker threads and write the
/// row groups in file order. Returns the row count and the nulls per column.
pub(crate) fn convert(
    source: &dyn SplitRows,
    spans: &[Span],
    schema: SchemaRef,
    plans: &[ColumnPlan],
    out: &Path,
) -> Result<(u64, Vec<u64>)> {
    let mut file = RowGroupFile::create(out, schema)?;
    let encoder = file.encoder(plans);
    let threads = threads().min(spans.len());
    run_in_order(
        spans.len(),
        threads,
        |i| {
            let mut group = encoder.row_group(i)?;
            source.scan_span(&spans[i], &mut |row| group.push_row(row))?;
            group.finish()
        },
        |_, group| {
            file.append(group)?;
            Ok(true)
        },
    )?;
    file.finish()
}

/// Runs `work(0..parts)` on `threads` threads and hands each result to `deliver`
/// in index order, stopping at the first error or when `deliver` says `false`.
/// Returns whether every part was delivered. At most `2 × threads` parts are
/// worked on or waiting ahead of the next one due, which bounds memory.
fn run_in_order<T: Send>(
    parts: usize,
    threads: usize,
    work: impl Fn(usize) -> Result<T> + Sync,
    deliver: impl FnMut(usize, T) -> Result<bool> + Send,
) -> Result<bool> {
    struct Progress<T, D> {
        next: usize,
        ready: BTreeMap<usize, Result<T>>,
        deliver: D,
        outcome: Option<Result<bool>>,
    }
    let progress = Mutex::new(Progress {
        next: 0,
        ready: BTreeMap::new(),
        deliver,
        outcome: (parts == 0).then_some(Ok(true)),
    });
    let advanced = Condvar::new();
    let claimed = AtomicUsize::new(0);
    let window = 2 * threads.max(1);
    let worker = || loop {
        let i = claimed.fetch_add(1, Ordering::Relaxed);
        if i >= parts {
            return;
        }
        {
            let mut p = progress.lock().unwrap_or_else(PoisonError::into_inner);
            while p.outcome.is_none() && i >= p.next + window {
                p = advanced.wait(p).unwrap_or_else(PoisonError::into_inner);
            }
            if p.outcome.is_some() {
                return;
            }
        }
        let result = work(i);
        let mut p = progress.lock().unwrap_or_else(PoisonError::into_inner);
        if p.outcome.is_some() {
            return;
        }
        p.ready.insert(i, result);
        loop {
            let due = p.next;
            let Some(result) = p.ready.remove(&due) else {
                break;
            };
            let step = result.and_then(|value| (p.deliver)(due, value));
            match step {
                Ok(true) => p.next += 1,
                stop => {
                    p.outcome = Some(stop);
                    break;
                }
            }
        }
        if p.next == parts && p.outcome.is_none() {
            p.outcome = Some(Ok(true));
        }
        advanced.notify_all();
    };
    std::thread::scope(|scope| {
        for _ in 1..threads.max(1) {
            scope.spawn(worker);
        }
        worker();
    });
    let p = progress
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    p.outcome.unwrap_or(Ok(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn delivers_in_order_and_stops_at_the_first_error() {
        for threads in 1..=4 {
            let mut seen = Vec::new();
            let done = run_in_order(
                20,
                threads,
                |i| {
                    // Later parts finish first.
                    std::thread::sleep(std::time::Duration::from_micros(((20 - i) * 50) as u64));
                    Ok(i)
                },
                |i, v| {
                    assert_eq!(i, v);
                    seen.push(v);
                    Ok(true)
                },
            )
            .unwrap();
            assert!(done);
            assert_eq!(seen, (0..20).collect::<Vec<_>>());

            let mut seen = Vec::new();
            let err = run_in_order(
                20,
                threads,
                |i| {
                    if i == 7 || i == 12 {
                        Err(Error::RaggedRows {
                            line: i as u64,
                            expected: 1,
                            found: 2,
                        })
                    } else {
                        Ok(i)
                    }
                },
                |_, v| {
                    seen.push(v);
                    Ok(true)
                },
            )
            .unwrap_err();
            assert!(matches!(err, Error::RaggedRows { line: 7, .. }), "{err:?}");
            assert_eq!(seen, (0..7).collect::<Vec<_>>());

            let done = run_in_order(10, threads, Ok, |i, _| Ok(i < 3)).unwrap();
            assert!(!done);
        }
    }
}
