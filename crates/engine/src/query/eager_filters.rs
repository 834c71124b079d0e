//! Range filters such as `order_date >= a AND order_date <= b`, evaluated as two
//! bitmaps and a bitwise AND.
//!
//! DataFusion's `AND` short-circuits: when its left side keeps under a fifth of the
//! rows, it evaluates the right side on just those rows and scatters the answers
//! back one row at a time. For a right side that is itself a plain comparison of a
//! column with a constant, that scatter costs several times the vectorized
//! comparison it avoids, and date ranges ("last quarter") are the most common
//! filter people ask for. This rule rewrites the `AND`s of filters whose both
//! sides are such comparisons into [`EagerAnd`], leaving every other `AND` (where
//! skipping an expensive right side pays) as it is. A lower and an upper bound on
//! the same numeric or temporal column become one [`ColumnRange`]: a single pass
//! over the values instead of two comparisons and an AND.

use datafusion::arrow::array::{
    downcast_primitive_array, Array, ArrayRef, ArrowNativeTypeOp, ArrowPrimitiveType, AsArray,
    BooleanArray, PrimitiveArray, RecordBatch,
};
use datafusion::arrow::buffer::{BooleanBuffer, Buffer};
use datafusion::arrow::compute::kernels::boolean::and_kleene;
use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::common::cast::as_boolean_array;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{ColumnarValue, Operator};
use datafusion::physical_expr::expressions::{
    BinaryExpr, Column, IsNotNullExpr, IsNullExpr, Literal,
};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::filter::{FilterExec, FilterExecBuilder};
use datafusion::physical_plan::ExecutionPlan;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// `left AND right` with both sides evaluated on every row (SQL's three-valued AND).
#[derive(Debug, Eq)]
pub struct EagerAnd {
    left: Arc<dyn PhysicalExpr>,
    right: Arc<dyn PhysicalExpr>,
}

// Written out, as DataFusion does for its own expressions (rust-lang/rust#78808).
impl PartialEq for EagerAnd {
    fn eq(&self, other: &Self) -> bool {
        self.left.eq(&other.left) && self.right.eq(&other.right)
    }
}

impl Hash for EagerAnd {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.left.hash(state);
        self.right.hash(state);
    }
}

impl fmt::Display for EagerAnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} AND {}", self.left, self.right)
    }
}

impl PhysicalExpr for EagerAnd {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        Ok(self.left.nullable(input_schema)? || self.right.nullable(input_schema)?)
    }

    fn evaluate(&self, batch: &RecordBatch) -> Result<ColumnarValue> {
        let rows = batch.num_rows();
        let left = self.left.evaluate(batch)?.into_array(rows)?;
        let right = self.right.evaluate(batch)?.into_array(rows)?;
        let both = and_kleene(as_boolean_array(&left)?, as_boolean_array(&right)?)?;
        Ok(ColumnarValue::Array(Arc::new(both)))
    }

    fn children(&self) -> Vec<&Arc<dyn PhysicalExpr>> {
        vec![&self.left, &self.right]
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn PhysicalExpr>>,
    ) -> Result<Arc<dyn PhysicalExpr>> {
        let [left, right]: [Arc<dyn PhysicalExpr>; 2] = children
            .try_into()
            .map_err(|_| DataFusionError::Internal("EagerAnd takes two children".into()))?;
        Ok(Arc::new(EagerAnd { left, right }))
    }

    fn fmt_sql(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(")?;
        self.left.fmt_sql(f)?;
        write!(f, " AND ")?;
        self.right.fmt_sql(f)?;
        write!(f, ")")
    }
}

/// `lower (<|<=) column (<|<=) upper` for a primitive column and bounds of its type.
#[derive(Debug, Eq)]
pub struct ColumnRange {
    column: Arc<dyn PhysicalExpr>,
    lower: Bound,
    upper: Bound,
}

#[derive(Debug, PartialEq, Eq, Hash, Clone)]
struct Bound {
    value: ScalarValue,
    inclusive: bool,
}

impl PartialEq for ColumnRange {
    fn eq(&self, other: &Self) -> bool {
        self.column.eq(&other.column) && self.lower == other.lower && self.upper == other.upper
    }
}

impl Hash for ColumnRange {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.column.hash(state);
        self.lower.hash(state);
        self.upper.hash(state);
    }
}

impl fmt::Display for ColumnRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lo, hi) = (op(self.lower.inclusive), op(self.upper.inclusive));
        write!(
            f,
            "{} {lo} {} {hi} {}",
            self.lower.value, self.column, self.upper.value
        )
    }
}

fn op(inclusive: bool) -> &'static str {
    if inclusive {
        "<="
    } else {
        "<"
    }
}

impl PhysicalExpr for ColumnRange {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        self.column.nullable(input_schema)
    }

    fn evaluate(&self, batch: &RecordBatch) -> Result<ColumnarValue> {
        let values = self.column.evaluate(batch)?.into_array(batch.num_rows())?;
        let values = values.as_ref();
        let lower = self.lower.value.to_array()?;
        let upper = self.upper.value.to_array()?;
        let inside = downcast_primitive_array!(
            values => in_range(values, &lower, self.lower.inclusive, &upper, self.upper.inclusive),
            other => return Err(DataFusionError::Internal(format!("range over {other}"))),
        );
        Ok(ColumnarValue::Array(Arc::new(inside)))
    }

    fn children(&self) -> Vec<&Arc<dyn PhysicalExpr>> {
        vec![&self.column]
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn PhysicalExpr>>,
    ) -> Result<Arc<dyn PhysicalExpr>> {
        let [column]: [Arc<dyn PhysicalExpr>; 1] = children
            .try_into()
            .map_err(|_| DataFusionError::Internal("ColumnRange takes one child".into()))?;
        Ok(Arc::new(ColumnRange {
            column,
            lower: self.lower.clone(),
            upper: self.upper.clone(),
        }))
    }

    fn fmt_sql(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(")?;
        self.column.fmt_sql(f)?;
        write!(
            f,
            " {} {}",
            if self.lower.inclusive { ">=" } else { ">" },
            self.lower.value
        )?;
        write!(f, " AND ")?;
        self.column.fmt_sql(f)?;
        write!(f, " {} {})", op(self.upper.inclusive), self.upper.value)
    }
}

/// One pass over `values`: whether each lies within the bounds (null stays null).
/// Compares as Arrow's comparison kernels do (floats in total order).
fn in_range<T: ArrowPrimitiveType>(
    values: &PrimitiveArray<T>,
    lower: &ArrayRef,
    lower_inclusive: bool,
    upper: &ArrayRef,
    upper_inclusive: bool,
) -> BooleanArray {
    let (lo, hi) = (
        lower.as_primitive::<T>().value(0),
        upper.as_primitive::<T>().value(0),
    );
    let v = values.values();
    let bits = match (lower_inclusive, upper_inclusive) {
        (true, true) => pack_bits(v, |x| x.is_ge(lo) & x.is_le(hi)),
        (true, false) => pack_bits(v, |x| x.is_ge(lo) & x.is_lt(hi)),
        (false, true) => pack_bits(v, |x| x.is_gt(lo) & x.is_le(hi)),
        (false, false) => pack_bits(v, |x| x.is_gt(lo) & x.is_lt(hi)),
    };
    BooleanArray::new(bits, values.nulls().cloned())
}

/// `test` of every value as a bitmap, 64 values per word, without branches (so
/// the compiler can vectorize it).
fn pack_bits<N: Copy>(values: &[N], test: impl Fn(N) -> bool) -> BooleanBuffer {
    let words: Vec<u64> = values
        .chunks(64)
        .map(|chunk| {
            chunk
                .iter()
                .enumerate()
                .fold(0u64, |word, (bit, &x)| word | (u64::from(test(x)) << bit))
        })
        .collect();
    BooleanBuffer::new(Buffer::from_vec(words), 0, values.len())
}

/// `column op literal` read as a bound on the column: `(column, is_lower, bound)`.
fn as_bound(expr: &Arc<dyn PhysicalExpr>) -> Option<(Arc<dyn PhysicalExpr>, bool, Bound)> {
    let binary = expr.downcast_ref::<BinaryExpr>()?;
    let (column, literal, op) = if is_column(binary.left()) && is_literal(binary.right()) {
        (binary.left(), binary.right(), *binary.op())
    } else if is_literal(binary.left()) && is_column(binary.right()) {
        (binary.right(), binary.left(), binary.op().swap()?)
    } else {
        return None;
    };
    let value = literal.downcast_ref::<Literal>()?.value().clone();
    if value.is_null() {
        return None;
    }
    let (is_lower, inclusive) = match op {
        Operator::Gt => (true, false),
        Operator::GtEq => (true, true),
        Operator::Lt => (false, false),
        Operator::LtEq => (false, true),
        _ => return None,
    };
    Some((Arc::clone(column), is_lower, Bound { value, inclusive }))
}

/// A [`ColumnRange`] for `left AND right` when one is a lower and the other an
/// upper bound of the same primitive column, with bounds of the column's type.
fn as_range(
    left: &Arc<dyn PhysicalExpr>,
    right: &Arc<dyn PhysicalExpr>,
    schema: &Schema,
) -> Option<ColumnRange> {
    let (a, a_lower, a_bound) = as_bound(left)?;
    let (b, b_lower, b_bound) = as_bound(right)?;
    if a_lower == b_lower || !a.eq(&b) {
        return None;
    }
    let column_type = a.data_type(schema).ok()?;
    let fits = |bound: &Bound| bound.value.data_type() == column_type;
    // Numbers, dates, times and timestamps (intervals have no total order).
    let ordered = column_type.is_primitive() && !matches!(column_type, DataType::Interval(_));
    if !ordered || !fits(&a_bound) || !fits(&b_bound) {
        return None;
    }
    let (lower, upper) = if a_lower {
        (a_bound, b_bound)
    } else {
        (b_bound, a_bound)
    };
    Some(ColumnRange {
        column: a,
        lower,
        upper,
    })
}

/// Whether `expr` costs about as little as reading its column: a comparison of a
/// column with a constant, a null check of a column, or an eager AND of such.
fn is_cheap(expr: &Arc<dyn PhysicalExpr>) -> bool {
    if expr.is::<EagerAnd>() || expr.is::<ColumnRange>() {
        return true;
    }
    if let Some(is_null) = expr.downcast_ref::<IsNullExpr>() {
        return is_column(is_null.arg());
    }
    if let Some(is_not_null) = expr.downcast_ref::<IsNotNullExpr>() {
        return is_column(is_not_null.arg());
    }
    let Some(binary) = expr.downcast_ref::<BinaryExpr>() else {
        return false;
    };
    let comparison = matches!(
        binary.op(),
        Operator::Eq
            | Operator::NotEq
            | Operator::Lt
            | Operator::LtEq
            | Operator::Gt
            | Operator::GtEq
    );
    let (l, r) = (binary.left(), binary.right());
    comparison && ((is_column(l) && is_literal(r)) || (is_literal(l) && is_column(r)))
}

fn is_column(expr: &Arc<dyn PhysicalExpr>) -> bool {
    expr.is::<Column>()
}

fn is_literal(expr: &Arc<dyn PhysicalExpr>) -> bool {
    expr.is::<Literal>()
}

/// Rewrites the cheap-and-cheap `AND`s of `predicate` (over rows of `schema`),
/// innermost first.
fn eager_conjunctions(
    predicate: Arc<dyn PhysicalExpr>,
    schema: &Schema,
) -> Result<Transformed<Arc<dyn PhysicalExpr>>> {
    predicate.transform_up(|expr| {
        let Some(binary) = expr.downcast_ref::<BinaryExpr>() else {
            return Ok(Transformed::no(expr));
        };
        if *binary.op() != Operator::And || !is_cheap(binary.left()) || !is_cheap(binary.right()) {
            return Ok(Transformed::no(expr));
        }
        let eager: Arc<dyn PhysicalExpr> = match as_range(binary.left(), binary.right(), schema) {
            Some(range) => Arc::new(range),
            None => Arc::new(EagerAnd {
                left: Arc::clone(binary.left()),
                right: Arc::clone(binary.right()),
            }),
        };
        Ok(Transformed::yes(eager))
    })
}

/// The physical optimizer rule that puts [`EagerAnd`] into filters.
#[derive(Debug, Default)]
pub struct EagerRangeFilters;

impl PhysicalOptimizerRule for EagerRangeFilters {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            let Some(filter) = node.downcast_ref::<FilterExec>() else {
                return Ok(Transformed::no(node));
            };
            let schema = filter.input().schema();
            let predicate = eager_conjunctions(Arc::clone(filter.predicate()), &schema)?;
            if !predicate.transformed {
                return Ok(Transformed::no(node));
            }
            let rewritten = FilterExecBuilder::from(filter)
                .with_predicate(predicate.data)
                .build()?;
            Ok(Transformed::yes(
                Arc::new(rewritten) as Arc<dyn ExecutionPlan>
            ))
        })
        .data()
    }

    fn name(&self) -> &str {
        "eager_range_filters"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Float64Array, Int32Array};
    use datafusion::arrow::datatypes::Field;
    use datafusion::physical_expr::expressions::{binary, col, lit};

    /// `x`: 0..100 with every 7th null; `y`: floats with NaN, -0.0 and nulls.
    fn batch() -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new("x", DataType::Int32, true),
            Field::new("y", DataType::Float64, true),
        ]);
        let x: Int32Array = (0..100)
            .map(|i| if i % 7 == 0 { None } else { Some(i) })
            .collect();
        let y: Float64Array = (0..100)
            .map(|i| match i % 9 {
                0 => None,
                1 => Some(f64::NAN),
                2 => Some(-0.0),
                _ => Some(f64::from(i) / 10.0 - 5.0),
            })
            .collect();
        RecordBatch::try_new(Arc::new(schema), vec![Arc::new(x), Arc::new(y)]).unwrap()
    }

    fn compare(
        schema: &Schema,
        column: &str,
        op: Operator,
        value: ScalarValue,
    ) -> Arc<dyn PhysicalExpr> {
        binary(col(column, schema).unwrap(), op, lit(value), schema).unwrap()
    }

    fn and(
        schema: &Schema,
        l: Arc<dyn PhysicalExpr>,
        r: Arc<dyn PhysicalExpr>,
    ) -> Arc<dyn PhysicalExpr> {
        binary(l, Operator::And, r, schema).unwrap()
    }

    fn evaluate(expr: &Arc<dyn PhysicalExpr>, batch: &RecordBatch) -> BooleanArray {
        let out = expr
            .evaluate(batch)
            .unwrap()
            .into_array(batch.num_rows())
            .unwrap();
        as_boolean_array(&out).unwrap().clone()
    }

    /// Rewrites `original` and checks it answers exactly as before on every row.
    fn rewrite_alike(
        original: Arc<dyn PhysicalExpr>,
        batch: &RecordBatch,
    ) -> Arc<dyn PhysicalExpr> {
        let rewritten = eager_conjunctions(Arc::clone(&original), &batch.schema()).unwrap();
        assert!(rewritten.transformed, "{original}");
        assert_eq!(
            evaluate(&original, batch),
            evaluate(&rewritten.data, batch),
            "{original}"
        );
        rewritten.data
    }

    #[test]
    fn bounds_on_one_column_become_one_range_answering_alike() {
        let batch = batch();
        let s = batch.schema();
        let int = |v| ScalarValue::Int32(Some(v));
        let float = |v| ScalarValue::Float64(Some(v));
        // Narrow (DataFusion's short-circuit path), wide, empty, everything; each
        // mix of inclusive and exclusive bounds; the constant on either side.
        for (lo, hi) in [(90, 95), (10, 80), (200, 300), (-5, 500)] {
            for (lower, upper) in [
                (Operator::GtEq, Operator::LtEq),
                (Operator::Gt, Operator::Lt),
            ] {
                let range = and(
                    &s,
                    compare(&s, "x", lower, int(lo)),
                    compare(&s, "x", upper, int(hi)),
                );
                assert!(rewrite_alike(range, &batch).is::<ColumnRange>());
            }
            let flipped = and(
                &s,
                compare(&s, "x", Operator::Lt, int(hi)),
                binary(lit(int(lo)), Operator::LtEq, col("x", &s).unwrap(), &s).unwrap(),
            );
            assert!(rewrite_alike(flipped, &batch).is::<ColumnRange>());
        }
        for (lo, hi) in [(-0.0, 0.0), (-1.0, 2.5), (-10.0, f64::NAN)] {
            let range = and(
                &s,
                compare(&s, "y", Operator::GtEq, float(lo)),
                compare(&s, "y", Operator::LtEq, float(hi)),
            );
            let rewritten = rewrite_alike(range, &batch);
            assert!(rewritten.is::<ColumnRange>());
            assert!(
                evaluate(&rewritten, &batch).null_count() > 0,
                "null rows stay null"
            );
        }
    }

    #[test]
    fn other_cheap_conjunctions_are_evaluated_eagerly() {
        let batch = batch();
        let s = batch.schema();
        let two_columns = and(
            &s,
            compare(&s, "x", Operator::GtEq, ScalarValue::Int32(Some(3))),
            compare(&s, "y", Operator::Lt, ScalarValue::Float64(Some(1.0))),
        );
        assert!(rewrite_alike(two_columns, &batch).is::<EagerAnd>());
        let two_lower_bounds = and(
            &s,
            compare(&s, "x", Operator::Gt, ScalarValue::Int32(Some(3))),
            compare(&s, "x", Operator::GtEq, ScalarValue::Int32(Some(90))),
        );
        assert!(rewrite_alike(two_lower_bounds, &batch).is::<EagerAnd>());
    }

    #[test]
    fn conjunctions_with_costly_sides_keep_short_circuiting() {
        let batch = batch();
        let s = batch.schema();
        let x = col("x", &s).unwrap();
        let sum = binary(Arc::clone(&x), Operator::Plus, x, &s).unwrap();
        let costly = binary(sum, Operator::Gt, lit(ScalarValue::Int32(Some(3))), &s).unwrap();
        let range = and(
            &s,
            compare(&s, "x", Operator::GtEq, ScalarValue::Int32(Some(1))),
            compare(&s, "x", Operator::LtEq, ScalarValue::Int32(Some(5))),
        );
        let rewritten = rewrite_alike(and(&s, range, costly), &batch);
        let top = rewritten
            .downcast_ref::<BinaryExpr>()
            .expect("still a short-circuit AND");
        assert_eq!(*top.op(), Operator::And);
        assert!(top.left().is::<ColumnRange>());
    }
}
