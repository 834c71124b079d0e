import type { ChartSpec, ResultData } from '../api/types';
import { column, spec } from '../test/fixtures';
import { compatibleChartTypes, kpiValue, resolveSpec, toChartData } from './chart';

const byCity: ResultData = {
  columns: [
    column('city', 'string'),
    column('total_sales', 'float'),
  ],
  rows: [
    ['Naypyitaw', 110568.7065],
    ['Yangon', 106200.3705],
    ['Mandalay', 106197.672],
  ],
  row_count: 3,
  truncated: false,
};

describe('toChartData', () => {
  it('maps array rows to objects keyed by column for a bar chart', () => {
    const bars: ChartSpec = spec({ chart_type: 'bar', x_key: 'city', y_keys: ['total_sales'], number_format: 'currency' });
    const { data, series, xKey } = toChartData(bars, byCity);
    expect(xKey).toBe('city');
    expect(series).toEqual(['total_sales']);
    expect(data[0]).toEqual({ city: 'Naypyitaw', total_sales: 110568.7065 });
    expect(data).toHaveLength(3);
  });

  it('pivots rows by series_key', () => {
    const result: ResultData = {
      columns: [
        column('month', 'date'),
        column('region', 'string'),
        column('revenue', 'integer'),
      ],
      rows: [
        ['2024-01', 'North', 10],
        ['2024-01', 'South', 20],
        ['2024-02', 'North', 30],
      ],
      row_count: 3,
      truncated: false,
    };
    const lines = spec({ chart_type: 'line', x_key: 'month', y_keys: ['revenue'], series_key: 'region' });
    const { data, series } = toChartData(lines, result);
    expect(series).toEqual(['North', 'South']);
    expect(data).toEqual([
      { month: '2024-01', North: 10, South: 20 },
      { month: '2024-02', North: 30 },
    ]);
  });

  it('groups pie slices beyond top_n into Other', () => {
    const result: ResultData = {
      columns: [
        column('k', 'string'),
        column('v', 'integer'),
      ],
      rows: [['a', 5], ['b', 4], ['c', 3], ['d', 2], ['e', 1]],
      row_count: 5,
      truncated: false,
    };
    const { data } = toChartData(spec({ chart_type: 'pie', x_key: 'k', y_keys: ['v'], top_n: 3 }), result);
    expect(data).toEqual([
      { name: 'a', value: 5 },
      { name: 'b', value: 4 },
      { name: 'Other', value: 6 },
    ]);
  });

  it('coerces numeric strings and falls back when keys do not match', () => {
    const result: ResultData = {
      columns: [
        column('x', 'string'),
        column('y', 'float'),
      ],
      rows: [['a', '1.5']],
      row_count: 1,
      truncated: false,
    };
    const resolved = resolveSpec(spec({ chart_type: 'bar', x_key: 'missing', y_keys: ['nope'] }), result);
    expect(resolved.x_key).toBe('x');
    expect(resolved.y_keys).toEqual(['y']);
    expect(toChartData(resolved, result).data[0].y).toBe(1.5);
  });
});

describe('kpiValue', () => {
  it('reads the value_key of the first row', () => {
    const result: ResultData = { columns: [column('total_revenue', 'float')], rows: [[1234.5]], row_count: 1, truncated: false };
    const k = kpiValue(spec({ chart_type: 'kpi', value_key: 'total_revenue', label: 'Total revenue' }), result);
    expect(k).toEqual({ label: 'Total revenue', value: 1234.5, raw: 1234.5 });
  });
});

describe('compatibleChartTypes', () => {
  it('offers categorical charts for a grouped result and kpi only for one row', () => {
    const t = compatibleChartTypes(byCity);
    expect(t).toContain('bar');
    expect(t).toContain('pie');
    expect(t).not.toContain('kpi');
    const one: ResultData = { columns: [column('n', 'integer')], rows: [[3]], row_count: 1, truncated: false };
    expect(compatibleChartTypes(one)).toEqual(['kpi', 'table']);
  });
});
