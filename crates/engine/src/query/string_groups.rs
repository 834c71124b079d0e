//! The first (partial) step of `GROUP BY` one text column, with a group map that
//! compares Arrow string views instead of hashing the text of every row.
//!
//! "Revenue by region", "orders per status", "sales by product": most questions
//! group by one short text column with few distinct values. DataFusion's group map
//! for string views hashes each row's bytes before it looks the group up, and that
//! hashing is most of the query's time. A string of at most 12 bytes is stored
//! whole, zero-padded, inside its 16-byte view, so two such views are equal exactly
//! when their strings are: this map hashes and compares the view as one 128-bit
//! number and reads the bytes only for longer strings. Within one array, a Parquet
//! dictionary page decodes every occurrence of a value to the same view, so a small
//! cache keyed by the view ([`ViewCache`]) finds repeated values, long ones too,
//! with one multiply and one comparison.
//!
//! Only the map is new. The aggregates are DataFusion's own group accumulators, and
//! the output is the partial state DataFusion's final step expects, so every
//! aggregate function with a group accumulator works unchanged. Partial output may
//! repeat a group, which keeps memory bounded: when the column turns out to have
//! many distinct values, or the memory pool refuses more, the state so far is sent
//! on and grouping continues one batch at a time.

use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, RecordBatch, StringViewArray, StringViewBuilder,
};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode, TreeNodeRecursion};
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::memory_pool::{MemoryConsumer, MemoryReservation};
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{EmitTo, GroupsAccumulator};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::aggregates::{AggregateExec, AggregateMode};
use datafusion::physical_plan::metrics::{BaselineMetrics, ExecutionPlanMetricsSet, MetricsSet};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    ChildrenPropertiesMode, DisplayAs, DisplayFormatType, ExecutionPlan, InputOrderMode,
    PlanProperties, ReplaceChildrenOptions, SendableRecordBatchStream,
};
use futures::StreamExt;
use hashbrown::HashTable;

/// Distinct values kept before a partition stops merging across batches.
pub const MAX_GROUPS: usize = 65_536;

/// Replaces each eligible partial `AggregateExec` with a [`StringKeyAggregateExec`].
#[derive(Debug)]
pub struct StringKeyAggregation {
    /// Distinct values a partition merges across batches (see [`MAX_GROUPS`]).
    pub max_groups: usize,
}

impl Default for StringKeyAggregation {
    fn default() -> Self {
        StringKeyAggregation {
            max_groups: MAX_GROUPS,
        }
    }
}

impl PhysicalOptimizerRule for StringKeyAggregation {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            let Some(aggregate) = node.downcast_ref::<AggregateExec>() else {
                return Ok(Transformed::no(node));
            };
            if !eligible(aggregate)? {
                return Ok(Transformed::no(node));
            }
            let exec = StringKeyAggregateExec::new(aggregate.clone(), self.max_groups);
            Ok(Transformed::yes(Arc::new(exec) as Arc<dyn ExecutionPlan>))
        })
        .data()
    }

    fn name(&self) -> &str {
        "string_key_aggregation"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// A partial aggregate over unordered input, grouped by one string-view expression,
/// whose aggregates all have group accumulators and no DISTINCT, FILTER or ORDER BY.
fn eligible(aggregate: &AggregateExec) -> Result<bool> {
    let group_by = aggregate.group_expr();
    if *aggregate.mode() != AggregateMode::Partial
        || group_by.has_grouping_set()
        || group_by.expr().len() != 1
        || aggregate.limit_options().is_some()
        || !aggregate.dynamic_expressions_produced().is_empty()
        || *aggregate.input_order_mode() != InputOrderMode::Linear
        || aggregate.filter_expr().iter().any(Option::is_some)
    {
        return Ok(false);
    }
    let plain_aggregates = aggregate
        .aggr_expr()
        .iter()
        .all(|a| a.groups_accumulator_supported() && !a.is_distinct() && a.order_bys().is_empty());
    let key_type = group_by.expr()[0].0.data_type(&aggregate.input_schema())?;
    Ok(plain_aggregates && key_type == DataType::Utf8View)
}

/// DataFusion's partial `AggregateExec`, executed with a [`ViewGroups`] map.
#[derive(Debug)]
pub struct StringKeyAggregateExec {
    /// The aggregate this replaces: its input, expressions, schema and properties.
    aggregate: AggregateExec,
    max_groups: usize,
    metrics: ExecutionPlanMetricsSet,
}

impl StringKeyAggregateExec {
    fn new(aggregate: AggregateExec, max_groups: usize) -> Self {
        StringKeyAggregateExec {
            aggregate,
            max_groups,
            metrics: ExecutionPlanMetricsSet::new(),
        }
    }
}

impl DisplayAs for StringKeyAggregateExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let (key, name) = &self.aggregate.group_expr().expr()[0];
        let aggregates: Vec<&str> = self
            .aggregate
            .aggr_expr()
            .iter()
            .map(|a| a.name())
            .collect();
        write!(
            f,
            "StringKeyAggregateExec: mode=Partial, gby=[{key} as {name}], aggr=[{}]",
            aggregates.join(", ")
        )
    }
}

impl ExecutionPlan for StringKeyAggregateExec {
    fn name(&self) -> &str {
        "StringKeyAggregateExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.aggregate.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![self.aggregate.input()]
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        self.aggregate.apply_expressions(f)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let replaced = Arc::new(self.aggregate.clone()).replace_children(
            children,
            ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute),
        )?;
        let aggregate = replaced
            .downcast_ref::<AggregateExec>()
            .ok_or_else(|| DataFusionError::Internal("expected an AggregateExec".into()))?
            .clone();
        Ok(Arc::new(StringKeyAggregateExec::new(
            aggregate,
            self.max_groups,
        )))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let input = self
            .aggregate
            .input()
            .execute(partition, Arc::clone(&context))?;
        let aggregates = self.aggregate.aggr_expr();
        let state = PartialAggregation {
            input,
            key: Arc::clone(&self.aggregate.group_expr().expr()[0].0),
            arguments: aggregates.iter().map(|a| a.expressions()).collect(),
            accumulators: aggregates
                .iter()
                .map(|a| a.create_groups_accumulator())
                .collect::<Result<_>>()?,
            schema: self.aggregate.schema(),
            groups: ViewGroups::default(),
            group_indices: Vec::new(),
            max_groups: self.max_groups,
            per_batch: false,
            finished: false,
            reservation: MemoryConsumer::new(format!("StringKeyAggregateExec[{partition}]"))
                .register(context.memory_pool()),
            baseline: BaselineMetrics::new(&self.metrics, partition),
        };
        let stream = futures::stream::unfold(state, |mut state| async move {
            let next = state.next_batch().await.transpose()?;
            Some((next, state))
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            self.aggregate.schema(),
            stream,
        )))
    }

    fn metrics(&self) -> Option<MetricsSet> {
        Some(self.metrics.clone_inner())
    }
}

/// One partition's state: the groups seen so far and their accumulators.
struct PartialAggregation {
    input: SendableRecordBatchStream,
    key: Arc<dyn PhysicalExpr>,
    /// Argument expressions of each aggregate.
    arguments: Vec<Vec<Arc<dyn PhysicalExpr>>>,
    accumulators: Vec<Box<dyn GroupsAccumulator>>,
    schema: SchemaRef,
    groups: ViewGroups,
    group_indices: Vec<usize>,
    max_groups: usize,
    /// Set once the key proved to have too many distinct values: each batch's
    /// state is then sent on by itself.
    per_batch: bool,
    finished: bool,
    reservation: MemoryReservation,
    baseline: BaselineMetrics,
}

impl PartialAggregation {
    /// The next output batch, or `None` when the input is exhausted and all sent.
    async fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        while let Some(batch) = self.input.next().await {
            let batch = batch?;
            let elapsed = self.baseline.elapsed_compute().clone();
            let timer = elapsed.timer();
            self.aggregate(&batch)?;
            let send_now = if self.per_batch {
                true
            } else if self.groups.len() > self.max_groups {
                self.per_batch = true;
                true
            } else {
                // A refused reservation sends the state on; that frees it.
                self.reservation.try_resize(self.size()).is_err()
            };
            let out = if send_now { self.emit()? } else { None };
            timer.done();
            if out.is_some() {
                return Ok(out);
            }
        }
        if self.finished {
            return Ok(None);
        }
        self.finished = true;
        let elapsed = self.baseline.elapsed_compute().clone();
        let _timer = elapsed.timer();
        let out = self.emit();
        self.baseline.done();
        out
    }

    fn aggregate(&mut self, batch: &RecordBatch) -> Result<()> {
        let rows = batch.num_rows();
        let key = self.key.evaluate(batch)?.into_array(rows)?;
        self.groups.intern(&key, &mut self.group_indices)?;
        let total_groups = self.groups.len();
        for (accumulator, arguments) in self.accumulators.iter_mut().zip(&self.arguments) {
            let values = arguments
                .iter()
                .map(|e| e.evaluate(batch)?.into_array(rows))
                .collect::<Result<Vec<ArrayRef>>>()?;
            accumulator.update_batch(&values, &self.group_indices, None, total_groups)?;
        }
        Ok(())
    }

    /// The partial state of every group so far, in the aggregate's output schema;
    /// starts over with no groups.
    fn emit(&mut self) -> Result<Option<RecordBatch>> {
        if self.groups.len() == 0 {
            return Ok(None);
        }
        let mut columns = vec![self.groups.take()];
        for accumulator in &mut self.accumulators {
            columns.extend(accumulator.state(EmitTo::All)?);
        }
        self.reservation.free();
        let batch = RecordBatch::try_new(Arc::clone(&self.schema), columns)?;
        self.baseline.output_rows().add(batch.num_rows());
        Ok(Some(batch))
    }

    fn size(&self) -> usize {
        self.groups.size()
            + self.accumulators.iter().map(|a| a.size()).sum::<usize>()
            + self.group_indices.capacity() * std::mem::size_of::<usize>()
    }
}

/// Distinct strings, each numbered by when it was first seen.
#[derive(Default)]
struct ViewGroups {
    /// Group numbers, found by hash.
    table: HashTable<u32>,
    /// Per group: the whole view for strings of at most 12 bytes; length and
    /// 4-byte prefix (the view's low 64 bits) for longer ones.
    keys: Vec<u128>,
    hashes: Vec<u64>,
    /// Text of every group, back to back; group `g` is `text[ends[g-1]..ends[g]]`.
    text: String,
    ends: Vec<usize>,
    null_group: Option<usize>,
    hasher: foldhash::fast::RandomState,
    /// Groups of the views already seen in the array being interned.
    seen: ViewCache,
}

/// Longest string stored inside its view.
const INLINE_LEN: u32 = 12;

impl ViewGroups {
    fn len(&self) -> usize {
        self.keys.len()
    }

    /// The group of each row of `keys` (a string-view array), into `groups`.
    fn intern(&mut self, keys: &ArrayRef, groups: &mut Vec<usize>) -> Result<()> {
        let keys = keys.as_string_view_opt().ok_or_else(|| {
            DataFusionError::Internal(format!(
                "expected a string view key, got {}",
                keys.data_type()
            ))
        })?;
        groups.clear();
        groups.reserve(keys.len());
        // A view names its bytes by buffer and offset, so equal views mean equal
        // strings only within one array.
        self.seen.clear();
        let views = keys.views().iter().enumerate();
        match keys.logical_nulls() {
            None => groups.extend(views.map(|(row, &view)| self.cached_group(keys, row, view))),
            Some(nulls) => groups.extend(views.map(|(row, &view)| {
                if nulls.is_null(row) {
                    self.null_group()
                } else {
                    self.cached_group(keys, row, view)
                }
            })),
        }
        Ok(())
    }

    #[inline]
    fn cached_group(&mut self, keys: &StringViewArray, row: usize, view: u128) -> usize {
        match self.seen.get(view) {
            Some(group) => group as usize,
            None => {
                let group = self.group(keys, row, view);
                self.seen.insert(view, group as u32);
                group
            }
        }
    }

    fn group(&mut self, keys: &StringViewArray, row: usize, view: u128) -> usize {
        if (view as u32) <= INLINE_LEN {
            let hash = self.hasher.hash_one(view);
            let stored = &self.keys;
            match self.table.find(hash, |&g| stored[g as usize] == view) {
                Some(&group) => group as usize,
                None => self.insert(hash, view, keys.value(row)),
            }
        } else {
            let value = keys.value(row);
            let hash = self.hasher.hash_one(value.as_bytes());
            let prefix = u128::from(view as u64);
            let (stored, text, ends) = (&self.keys, &self.text, &self.ends);
            let found = self.table.find(hash, |&g| {
                let g = g as usize;
                let start = if g == 0 { 0 } else { ends[g - 1] };
                stored[g] == prefix && &text[start..ends[g]] == value
            });
            match found {
                Some(&group) => group as usize,
                None => self.insert(hash, prefix, value),
            }
        }
    }

    fn null_group(&mut self) -> usize {
        if let Some(group) = self.null_group {
            return group;
        }
        // Not in the hash table: found through `null_group` only.
        let group = self.push(0, 0, "");
        self.null_group = Some(group);
        group
    }

    fn insert(&mut self, hash: u64, key: u128, text: &str) -> usize {
        let group = self.push(hash, key, text);
        let hashes = &self.hashes;
        self.table
            .insert_unique(hash, group as u32, |&g| hashes[g as usize]);
        group
    }

    fn push(&mut self, hash: u64, key: u128, text: &str) -> usize {
        self.keys.push(key);
        self.hashes.push(hash);
        self.text.push_str(text);
        self.ends.push(self.text.len());
        self.keys.len() - 1
    }

    /// All groups as a string-view array (in group order); leaves the map empty.
    fn take(&mut self) -> ArrayRef {
        let mut out = StringViewBuilder::with_capacity(self.len());
        let mut start = 0;
        for (group, &end) in self.ends.iter().enumerate() {
            if Some(group) == self.null_group {
                out.append_null();
            } else {
                out.append_value(&self.text[start..end]);
            }
            start = end;
        }
        self.table.clear();
        self.keys.clear();
        self.hashes.clear();
        self.text.clear();
        self.ends.clear();
        self.null_group = None;
        Arc::new(out.finish())
    }

    fn size(&self) -> usize {
        self.seen.size()
            + self.table.capacity() * std::mem::size_of::<u32>()
            + self.keys.capacity() * std::mem::size_of::<u128>()
            + self.hashes.capacity() * std::mem::size_of::<u64>()
            + self.text.capacity()
            + self.ends.capacity() * std::mem::size_of::<usize>()
    }
}

/// Views already seen in one array and their groups: a small open-addressing table
/// keyed by the 16 view bytes, so a repeated value (a Parquet dictionary page
/// decodes every occurrence of a value to the same view) costs one multiply and
/// one comparison. Lookups give up after a few probes and the table stops growing
/// at [`ViewCache::MAX_SLOTS`]; the caller then asks the group map itself.
struct ViewCache {
    slots: Vec<(u128, u32)>,
    used: usize,
}

impl Default for ViewCache {
    fn default() -> Self {
        ViewCache {
            slots: vec![(Self::EMPTY, 0); Self::MIN_SLOTS],
            used: 0,
        }
    }
}

impl ViewCache {
    /// No view has this value: its length field would exceed `i32::MAX`.
    const EMPTY: u128 = u128::MAX;
    const MIN_SLOTS: usize = 64;
    const MAX_SLOTS: usize = 4096;
    const MAX_PROBES: usize = 8;

    fn clear(&mut self) {
        if self.used > 0 {
            self.slots.fill((Self::EMPTY, 0));
            self.used = 0;
        }
    }

    #[inline]
    fn home(&self, view: u128) -> usize {
        let folded = (view as u64) ^ ((view >> 64) as u64);
        let hash = folded.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (hash >> 32) as usize & (self.slots.len() - 1)
    }

    #[inline]
    fn get(&self, view: u128) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut slot = self.home(view);
        for _ in 0..Self::MAX_PROBES {
            let (key, group) = self.slots[slot];
            if key == view {
                return Some(group);
            }
            if key == Self::EMPTY {
                return None;
            }
            slot = (slot + 1) & mask;
        }
        None
    }

    fn insert(&mut self, view: u128, group: u32) {
        if (self.used + 1) * 2 > self.slots.len() {
            if self.slots.len() >= Self::MAX_SLOTS {
                return;
            }
            let grown = vec![(Self::EMPTY, 0); self.slots.len() * 2];
            let old = std::mem::replace(&mut self.slots, grown);
            self.used = 0;
            for (key, group) in old.into_iter().filter(|(key, _)| *key != Self::EMPTY) {
                self.insert(key, group);
            }
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.home(view);
        for _ in 0..Self::MAX_PROBES {
            if self.slots[slot].0 == Self::EMPTY {
                self.slots[slot] = (view, group);
                self.used += 1;
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    fn size(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<(u128, u32)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Float64Array, Int64Array};
    use datafusion::arrow::datatypes::{Field, Schema};
    use datafusion::arrow::util::pretty::pretty_format_batches;
    use datafusion::datasource::MemTable;
    use datafusion::execution::session_state::SessionStateBuilder;
    use datafusion::physical_plan::displayable;
    use datafusion::prelude::{SessionConfig, SessionContext};

    /// Keys of every kind the map tells apart: null, empty, short, exactly 12 and
    /// 13 bytes, long ones sharing a 4-byte prefix, and non-ASCII text.
    fn key(i: usize) -> Option<String> {
        match i % 9 {
            0 => None,
            1 => Some(String::new()),
            2 => Some(format!("k{}", i % 5)),
            3 => Some(format!("a much longer key number {}", i % 3)),
            4 => Some("twelve_bytes".into()),
            5 => Some("thirteen_byte".into()),
            6 => Some("twelve_bytez".into()),
            7 => Some(format!("Zürich – Straße {}", i % 2)),
            _ => Some("k1".into()),
        }
    }

    /// Four partitions of many small batches, so partial aggregates see several.
    fn table() -> Arc<MemTable> {
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Utf8View, true),
            Field::new("v", DataType::Int64, true),
            Field::new("f", DataType::Float64, true),
        ]));
        let partitions = (0..4)
            .map(|p| {
                (0..6)
                    .map(|b| {
                        let rows: Vec<usize> = (0..97).map(|r| p * 1000 + b * 100 + r).collect();
                        let k: StringViewArray = rows.iter().map(|&i| key(i)).collect();
                        let v: Int64Array = rows
                            .iter()
                            .map(|&i| (i % 11 != 0).then_some(i as i64 - 300))
                            .collect();
                        // Quarters add up exactly in any order, as partitions may.
                        let f: Float64Array = rows.iter().map(|&i| Some(i as f64 / 4.0)).collect();
                        RecordBatch::try_new(
                            Arc::clone(&schema),
                            vec![Arc::new(k), Arc::new(v), Arc::new(f)],
                        )
                        .unwrap()
                    })
                    .collect()
            })
            .collect();
        Arc::new(MemTable::try_new(schema, partitions).unwrap())
    }

    fn context(rule: Option<StringKeyAggregation>) -> SessionContext {
        let mut state = SessionStateBuilder::new()
            .with_config(SessionConfig::new().with_target_partitions(4))
            .with_default_features();
        if let Some(rule) = rule {
            state = state.with_physical_optimizer_rule(Arc::new(rule));
        }
        let ctx = SessionContext::new_with_state(state.build());
        ctx.register_table("t", table()).unwrap();
        ctx
    }

    async fn run(ctx: &SessionContext, sql: &str) -> (String, String) {
        let df = ctx.sql(sql).await.unwrap();
        let plan = df.clone().create_physical_plan().await.unwrap();
        let plan_text = displayable(plan.as_ref()).indent(false).to_string();
        let batches = df.collect().await.unwrap();
        (
            pretty_format_batches(&batches).unwrap().to_string(),
            plan_text,
        )
    }

    const QUERIES: [&str; 4] = [
        "SELECT k, SUM(v), COUNT(*), COUNT(v), AVG(f), MIN(v), MAX(f), MIN(k) FROM t \
         GROUP BY k ORDER BY k NULLS FIRST",
        "SELECT upper(k) AS u, SUM(f) AS total FROM t GROUP BY upper(k) ORDER BY u NULLS FIRST",
        "SELECT k, AVG(v) FROM t WHERE v > 100 GROUP BY k ORDER BY k NULLS FIRST",
        "SELECT k, SUM(v) FROM t WHERE v > 1000000 GROUP BY k ORDER BY k",
    ];

    #[tokio::test]
    async fn answers_as_datafusion_does() {
        let plain = context(None);
        let merged = context(Some(StringKeyAggregation::default()));
        // Two groups at most: every partition soon sends each batch's state by itself.
        let per_batch = context(Some(StringKeyAggregation { max_groups: 2 }));
        for sql in QUERIES {
            let (expected, expected_plan) = run(&plain, sql).await;
            assert!(!expected_plan.contains("StringKeyAggregateExec"));
            for ctx in [&merged, &per_batch] {
                let (got, plan) = run(ctx, sql).await;
                assert_eq!(got, expected, "{sql}");
                assert!(plan.contains("StringKeyAggregateExec"), "{plan}");
            }
        }
        // DataFusion may plan DISTINCT as two steps, the second one grouped by `k` alone.
        let sql = "SELECT k, COUNT(DISTINCT v), SUM(DISTINCT v) FROM t GROUP BY k ORDER BY k";
        let (expected, _) = run(&plain, sql).await;
        for ctx in [&merged, &per_batch] {
            assert_eq!(run(ctx, sql).await.0, expected);
        }
    }

    #[tokio::test]
    async fn leaves_other_aggregates_alone() {
        let ctx = context(Some(StringKeyAggregation::default()));
        for sql in [
            "SELECT v, SUM(f) FROM t GROUP BY v",
            "SELECT k, v, SUM(f) FROM t GROUP BY k, v",
            "SELECT k, SUM(v) FILTER (WHERE f > 1) FROM t GROUP BY k",
            "SELECT SUM(v) FROM t",
        ] {
            let (_, plan) = run(&ctx, sql).await;
            assert!(!plan.contains("StringKeyAggregateExec"), "{sql}\n{plan}");
        }
    }

    #[test]
    fn groups_are_numbered_by_first_sight() {
        let mut groups = ViewGroups::default();
        let keys: ArrayRef = Arc::new((0..200).map(key).collect::<StringViewArray>());
        let mut ids = Vec::new();
        groups.intern(&keys, &mut ids).unwrap();
        let out = groups.take();
        let out = out.as_string_view();
        let keys = keys.as_string_view();
        for (row, &id) in ids.iter().enumerate() {
            assert_eq!(keys.is_null(row), out.is_null(id), "row {row}");
            if keys.is_valid(row) {
                assert_eq!(keys.value(row), out.value(id), "row {row}");
            }
        }
        let distinct: std::collections::HashSet<_> = (0..200).map(key).collect();
        assert_eq!(out.len(), distinct.len());
        assert_eq!(groups.len(), 0);
    }
}
