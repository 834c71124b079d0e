//! Ingest on every core: a delimited file is cut at line ends into spans that
//! worker threads convert independently, one Parquet row group per span, and the
//! results are taken in file order, so the outcome (types, rows, row order, the
//! first error) is the one a single front-to-back reading gives. A cut that falls
//! inside a quoted value (one with a line break) is detected, and the file is then
//! read as one span.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

use crate::error::Result;
use crate::ingest::build::{self, RowGroupFile};
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

/// A converted file, not yet moved into place: the caller finishes it (or drops
/// it, which removes it) once it has checked the outcome.
pub(crate) struct Converted {
    pub plans: Vec<ColumnPlan>,
    pub rows: u64,
    pub null_counts: Vec<u64>,
    pub file: RowGroupFile,
}

/// Ingest a splittable source into `out` with columns named `sql_names`.
///
/// The types are inferred from the first span, and every span is converted with
/// them while its values are still observed; the merged evidence of all values
/// decides the final types exactly as a separate inference pass would. When it
/// differs from the first span's, the file is converted once more with the final
/// types. So a well-typed file is parsed about once, and no file is typed from a
/// sample.
pub(crate) fn ingest(
    source: &dyn SplitRows,
    sql_names: &[String],
    allow_decimal_comma: bool,
    out: &Path,
) -> Result<Converted> {
    let threads = threads();
    let spans = source.spans(threads * 4)?;
    let job = Job {
        source,
        sql_names,
        allow_decimal_comma,
        out,
    };
    if let Some(converted) = job.speculate(&spans, threads)? {
        return Ok(converted);
    }
    // A cut fell inside a quoted value: infer, then convert, reading front to back.
    let whole = [source.whole()];
    let (evidence, _, _) = job.infer(&whole[0])?;
    let plans = decide(&evidence);
    job.convert(&whole, &plans, 1, false)?
        .map(|(converted, _)| converted)
        .ok_or_else(|| crate::error::Error::internal("a whole-file span cannot end mid-record"))
}

fn decide(evidence: &[ColumnInference]) -> Vec<ColumnPlan> {
    evidence.iter().map(ColumnInference::decide).collect()
}

struct Job<'a> {
    source: &'a dyn SplitRows,
    sql_names: &'a [String],
    allow_decimal_comma: bool,
    out: &'a Path,
}

impl Job<'_> {
    fn fresh_evidence(&self) -> Vec<ColumnInference> {
        (0..self.sql_names.len())
            .map(|_| ColumnInference::new(self.allow_decimal_comma))
            .collect()
    }

    /// Observe every value of one span.
    fn infer(&self, span: &Span) -> Result<(Vec<ColumnInference>, u64, SpanEnd)> {
        let mut evidence = self.fresh_evidence();
        let mut rows = 0u64;
        let end = self.source.scan_span(span, &mut |row| {
            rows += 1;
            for (inf, v) in evidence.iter_mut().zip(row) {
                inf.observe(v);
            }
            Ok(())
        })?;
        Ok((evidence, rows, end))
    }

    /// Types from the first span, checked against all others while converting.
    /// `None` when a cut fell inside a quoted value.
    fn speculate(&self, spans: &[Span], threads: usize) -> Result<Option<Converted>> {
        let (mut evidence, _, first_end) = self.infer(&spans[0])?;
        if first_end.open_quote && spans.len() > 1 {
            return Ok(None);
        }
        let provisional = decide(&evidence);
        let check = spans.len() > 1;
        let Some((converted, later)) = self.convert(spans, &provisional, threads, check)? else {
            return Ok(None);
        };
        for (inf, later) in evidence.iter_mut().zip(&later) {
            inf.merge(later);
        }
        let plans = decide(&evidence);
        if plans == provisional {
            return Ok(Some(converted));
        }
        // Later rows changed a type: convert again with the types of all values.
        drop(converted);
        Ok(self
            .convert(spans, &plans, threads, false)?
            .map(|(converted, _)| converted))
    }

    /// Convert each span into a row group on `threads` threads, written in file
    /// order; with `observe`, also gather the evidence of every span after the
    /// first. `None` when a cut fell inside a quoted value.
    fn convert(
        &self,
        spans: &[Span],
        plans: &[ColumnPlan],
        threads: usize,
        observe: bool,
    ) -> Result<Option<(Converted, Vec<ColumnInference>)>> {
        let schema = build::schema(self.sql_names, plans);
        let mut file = RowGroupFile::create(self.out, schema)?;
        let encoder = file.encoder(plans);
        let mut evidence = self.fresh_evidence();
        let last = spans.len() - 1;
        let complete = run_in_order(
            spans.len(),
            threads.min(spans.len()),
            |i| {
                let mut group = encoder.row_group(i)?;
                let mut seen = (observe && i > 0).then(|| self.fresh_evidence());
                let end = self
                    .source
                    .scan_span(&spans[i], &mut |row| match seen.as_mut() {
                        Some(seen) => group.push_row_observing(row, seen),
                        None => group.push_row(row),
                    })?;
                Ok((group.finish()?, seen, end))
            },
            |i, (group, seen, end)| {
                file.append(group)?;
                if let Some(seen) = seen {
                    for (inf, later) in evidence.iter_mut().zip(&seen) {
                        inf.merge(later);
                    }
                }
                Ok(!(end.open_quote && i < last))
            },
        )?;
        if !complete {
            return Ok(None);
        }
        let (rows, null_counts) = file.totals();
        Ok(Some((
            Converted {
                plans: plans.to_vec(),
                rows,
                null_counts,
                file,
            },
            evidence,
        )))
    }
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
