import { cloneElement, type ReactElement } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Cell as PieCell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ChartSpec, ResultData } from '../../api/types';
import { PALETTE, resolveSpec, toChartData } from '../../lib/chart';

/** The colour of marked points (anomalies) over a line. */
const MARK = '#dc2626';
import { formatPeriod, formatValue, isMonthly, isTimeAxis } from '../../lib/format';
import { KpiCard } from './KpiCard';

interface Props {
  spec: ChartSpec;
  result: Pick<ResultData, 'columns' | 'rows'>;
  height?: number;
  /** fixed width (tests); otherwise the chart fills its container */
  width?: number;
}

/** Draw a ChartSpec with Recharts. `table` specs render nothing (the result table is shown anyway). */
export function ChartView({ spec: specIn, result, height = 320, width }: Props) {
  const spec = resolveSpec(specIn, result);
  if (spec.chart_type === 'table') return null;
  if (spec.chart_type === 'kpi') return <KpiCard spec={spec} result={result} />;
  if (result.rows.length === 0) return <p className="text-sm text-slate-500">No rows to chart.</p>;

  const { data, series, xKey } = toChartData(spec, result);
  const fmt = spec.number_format ?? 'number';
  const tick = (v: unknown) => formatValue(v, fmt, true);
  const tooltip = <Tooltip formatter={(v: unknown) => formatValue(v, fmt)} />;
  const many = data.length > 8;
  // Periods (ISO dates and date-times) read as "Mar 2025" or "2025-03-14", not as raw ISO text.
  const xValues = xKey ? data.map((d) => d[xKey]) : [];
  const periods = isTimeAxis(xValues);
  const monthly = periods && isMonthly(xValues);
  const xTick = periods ? (v: unknown) => formatPeriod(v, monthly) : undefined;
  const xAxis = (
    <XAxis
      dataKey={xKey ?? undefined}
      tickFormatter={xTick}
      tick={{ fontSize: 12 }}
      interval={many ? 'preserveStartEnd' : 0}
      angle={many ? -30 : 0}
      textAnchor={many ? 'end' : 'middle'}
      height={many ? 60 : 30}
      type={spec.x_type === 'number' ? 'number' : 'category'}
      domain={spec.x_type === 'number' ? ['auto', 'auto'] : undefined}
    />
  );
  const yAxis = <YAxis tickFormatter={tick} tick={{ fontSize: 12 }} width={64} />;
  const grid = <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />;
  const legend = series.length > 1 ? <Legend /> : null;
  const name = (k: string) => (spec.series_key ? k : k.replace(/_/g, ' '));

  let chart: ReactElement;
  switch (spec.chart_type) {
    case 'line':
      chart = (
        <LineChart data={data}>
          {grid}
          {xAxis}
          {yAxis}
          {tooltip}
          {legend}
          {series.map((k, i) => (
            <Line key={k} type="monotone" dataKey={k} name={name(k)} stroke={PALETTE[i % PALETTE.length]} strokeWidth={2} dot={data.length <= 40} isAnimationActive={false} connectNulls />
          ))}
          {/* Marked points (anomalies): only the rows where the highlight column is set. */}
          {spec.highlight_key && (
            <Line dataKey={spec.highlight_key} name="marked" stroke="none" legendType="circle" dot={{ r: 5, fill: MARK, stroke: MARK }} activeDot={{ r: 6, fill: MARK }} isAnimationActive={false} />
          )}
        </LineChart>
      );
      break;
    case 'area':
      chart = (
        <AreaChart data={data}>
          {grid}
          {xAxis}
          {yAxis}
          {tooltip}
          {legend}
          {series.map((k, i) => (
            <Area key={k} type="monotone" dataKey={k} name={name(k)} stroke={PALETTE[i % PALETTE.length]} fill={PALETTE[i % PALETTE.length]} fillOpacity={0.2} stackId={spec.series_key ? 'a' : undefined} isAnimationActive={false} />
          ))}
        </AreaChart>
      );
      break;
    case 'pie':
      chart = (
        <PieChart>
          {tooltip}
          <Legend />
          <Pie data={data} dataKey="value" nameKey="name" outerRadius="75%" isAnimationActive={false} label={(d: { percent?: number }) => `${((d.percent ?? 0) * 100).toFixed(0)}%`}>
            {data.map((_, i) => (
              <PieCell key={i} fill={PALETTE[i % PALETTE.length]} />
            ))}
          </Pie>
        </PieChart>
      );
      break;
    case 'scatter': {
      const [yk, xk] = spec.y_keys.length >= 2 ? [spec.y_keys[1], spec.y_keys[0]] : [spec.y_keys[0], xKey];
      chart = (
        <ScatterChart>
          {grid}
          <XAxis dataKey={xk ?? undefined} type="number" name={xk ?? ''} tickFormatter={tick} tick={{ fontSize: 12 }} domain={['auto', 'auto']} />
          <YAxis dataKey={yk} type="number" name={yk} tickFormatter={tick} tick={{ fontSize: 12 }} width={64} domain={['auto', 'auto']} />
          {tooltip}
          <Scatter data={data} fill={PALETTE[0]} isAnimationActive={false} />
        </ScatterChart>
      );
      break;
    }
    case 'stacked_bar':
    case 'bar':
    default:
      chart = (
        <BarChart data={data}>
          {grid}
          {xAxis}
          {yAxis}
          {tooltip}
          {legend}
          {series.map((k, i) => (
            <Bar key={k} dataKey={k} name={name(k)} fill={PALETTE[i % PALETTE.length]} stackId={spec.chart_type === 'stacked_bar' ? 's' : undefined} isAnimationActive={false} radius={spec.chart_type === 'bar' ? [3, 3, 0, 0] : undefined} />
          ))}
        </BarChart>
      );
  }

  return (
    <figure className="w-full" data-chart-type={spec.chart_type} aria-label={spec.title || `${spec.chart_type} chart`}>
      {spec.title && <figcaption className="mb-2 text-sm font-semibold text-slate-700">{spec.title}</figcaption>}
      {width ? (
        <div style={{ width, height }}>{sized(chart, width, height)}</div>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          {chart}
        </ResponsiveContainer>
      )}
    </figure>
  );
}

function sized(chart: ReactElement, width: number, height: number) {
  return cloneElement(chart as ReactElement<{ width?: number; height?: number }>, { width, height });
}
