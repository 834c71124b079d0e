import type { Cell, ChartSpec, ChartType, ResultColumn, ResultData } from '../api/types';

export type Row = Record<string, Cell>;

const NUMERIC = /^(int|integer|bigint|smallint|tinyint|float|double|real|decimal|numeric|number|u?int\d*|float\d*)/i;

export function isNumericType(t: string | undefined): boolean {
  return !!t && NUMERIC.test(t);
}

export function toNumber(v: Cell | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

/** Result rows (arrays) -> objects keyed by column name. */
export function rowsToObjects(result: Pick<ResultData, 'columns' | 'rows'>): Row[] {
  const names = result.columns.map((c) => c.name);
  return result.rows.map((r) => {
    const o: Row = {};
    names.forEach((n, i) => (o[n] = Array.isArray(r) ? (r[i] ?? null) : ((r as Record<string, Cell>)[n] ?? null)));
    return o;
  });
}

function numericColumns(columns: ResultColumn[], rows: Row[]): string[] {
  return columns
    .filter((c) => isNumericType(c.type) || (rows.length > 0 && rows.every((r) => r[c.name] === null || typeof r[c.name] === 'number')))
    .map((c) => c.name);
}

/**
 * Make a spec usable against a result: keys that are not columns are dropped and
 * sensible defaults (first label column on x, numeric columns on y) filled in.
 */
export function resolveSpec(spec: ChartSpec, result: Pick<ResultData, 'columns' | 'rows'>): ChartSpec {
  const rows = rowsToObjects(result);
  const names = new Set(result.columns.map((c) => c.name));
  const numeric = numericColumns(result.columns, rows);
  const has = (k: string | null | undefined): k is string => !!k && names.has(k);

  let y = (spec.y_keys ?? []).filter(has);
  if (has(spec.value_key) && y.length === 0) y = [spec.value_key];
  let x = has(spec.x_key) ? spec.x_key : undefined;
  const series = has(spec.series_key) ? spec.series_key : undefined;
  if (!x) x = result.columns.find((c) => !numeric.includes(c.name) && c.name !== series)?.name;
  if (y.length === 0) y = numeric.filter((n) => n !== x && n !== series);
  if (!x && spec.chart_type !== 'kpi') x = result.columns.find((c) => !y.includes(c.name))?.name ?? result.columns[0]?.name;
  return {
    ...spec,
    x_key: x ?? null,
    y_keys: y,
    series_key: series ?? null,
    value_key: has(spec.value_key) ? spec.value_key : (y[0] ?? null),
    number_format: spec.number_format ?? 'number',
    highlight_key: has(spec.highlight_key) ? spec.highlight_key : null,
  };
}

export interface ChartData {
  data: Row[];
  /** keys drawn as bars/lines/areas (after pivoting by series_key) */
  series: string[];
  xKey: string | null;
}

/**
 * Rows for Recharts: y values coerced to numbers; with a series_key, rows are pivoted
 * so each series value becomes its own key (x -> {series1: y, series2: y}).
 */
export function toChartData(specIn: ChartSpec, result: Pick<ResultData, 'columns' | 'rows'>): ChartData {
  const spec = resolveSpec(specIn, result);
  const rows = rowsToObjects(result);
  const xKey = spec.x_key ?? null;

  if (spec.chart_type === 'pie') {
    const valueKey = spec.value_key ?? spec.y_keys[0];
    let data = rows.map((r) => ({ name: xKey ? String(r[xKey] ?? '∅') : '', value: toNumber(r[valueKey!]) ?? 0 }));
    const topN = spec.top_n ?? 8;
    if (data.length > topN) {
      const sorted = [...data].sort((a, b) => b.value - a.value);
      const rest = sorted.slice(topN - 1).reduce((s, d) => s + d.value, 0);
      data = [...sorted.slice(0, topN - 1), { name: 'Other', value: rest }];
    }
    return { data, series: ['value'], xKey: 'name' };
  }

  if (spec.series_key && xKey && spec.y_keys[0]) {
    const yk = spec.y_keys[0];
    const seriesKey = spec.series_key;
    const byX = new Map<string, Row>();
    const seriesNames: string[] = [];
    for (const r of rows) {
      const xv = r[xKey];
      const id = String(xv);
      const s = String(r[seriesKey] ?? '∅');
      if (!seriesNames.includes(s)) seriesNames.push(s);
      const row = byX.get(id) ?? { [xKey]: xv };
      row[s] = toNumber(r[yk]);
      byX.set(id, row);
    }
    return { data: [...byX.values()], series: seriesNames, xKey };
  }

  const data = rows.map((r) => {
    const o: Row = { ...r };
    for (const k of spec.y_keys) o[k] = toNumber(r[k]);
    if (spec.highlight_key) o[spec.highlight_key] = toNumber(r[spec.highlight_key]);
    return o;
  });
  return { data, series: spec.y_keys, xKey };
}

/** The single number of a KPI answer, with its label. */
export function kpiValue(specIn: ChartSpec, result: Pick<ResultData, 'columns' | 'rows'>): { label: string; value: number | null; raw: Cell } {
  const spec = resolveSpec(specIn, result);
  const rows = rowsToObjects(result);
  const key = spec.value_key ?? spec.y_keys[0] ?? result.columns[0]?.name;
  const raw = key && rows[0] ? rows[0][key] : null;
  return { label: spec.label || spec.title || key || 'Value', value: toNumber(raw), raw };
}

/** Chart types that make sense for a result, offered in the "chart type" switcher. */
export function compatibleChartTypes(result: Pick<ResultData, 'columns' | 'rows'>, spec?: ChartSpec): ChartType[] {
  const rows = rowsToObjects(result);
  const numeric = numericColumns(result.columns, rows);
  if (numeric.length === 0) return ['table'];
  const types: ChartType[] = [];
  if (rows.length === 1) types.push('kpi');
  if (result.columns.length > 1 || rows.length > 1) {
    types.push('bar', 'line', 'area');
    if (spec?.series_key || numeric.length > 1) types.push('stacked_bar');
    if (!spec?.series_key) types.push('pie');
    if (numeric.length >= 2) types.push('scatter');
  }
  types.push('table');
  return types;
}

/** A spec for the same result drawn as another chart type. */
export function switchChartType(spec: ChartSpec, chart_type: ChartType): ChartSpec {
  return { ...spec, chart_type };
}

export const CHART_LABELS: Record<ChartType, string> = {
  kpi: 'KPI',
  bar: 'Bar',
  line: 'Line',
  area: 'Area',
  pie: 'Pie',
  scatter: 'Scatter',
  stacked_bar: 'Stacked bar',
  table: 'Table',
};

export const PALETTE = ['#2552eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16', '#64748b', '#f97316'];

/** A spec of `chart_type` with no keys set, plus `parts` (like the server's `ChartSpec::new`). */
export function chartSpec(chart_type: ChartType, parts: Partial<ChartSpec> = {}): ChartSpec {
  return {
    title: '',
    x_key: null,
    y_keys: [],
    series_key: null,
    value_key: null,
    label: null,
    number_format: 'number',
    x_type: null,
    top_n: null,
    highlight_key: null,
    ...parts,
    chart_type,
  };
}

/** A default spec when the server sent no visualization. */
export function defaultSpec(result: Pick<ResultData, 'columns' | 'rows'>): ChartSpec {
  const types = compatibleChartTypes(result);
  const chart_type: ChartType = types.includes('kpi') && result.columns.length === 1 ? 'kpi' : types.includes('bar') ? 'bar' : 'table';
  return resolveSpec(chartSpec(chart_type), result);
}
