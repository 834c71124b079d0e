import { Lightbulb } from 'lucide-react';
import { getInsights } from '../../api/dataSources';
import { useAsync } from '../../hooks/useAsync';
import { Alert } from '../Alert';
import { ChartView } from '../charts/ChartView';
import { EmptyState } from '../EmptyState';
import { ResultTable } from '../ResultTable';
import { Spinner } from '../Spinner';
import { SqlPanel } from '../SqlPanel';
import type { Cell, Insight } from '../../api/types';
import { formatCell } from '../../lib/format';

/** Scalar facts of an insight (`{pearson_r: 0.71, sample_size: 1000}`) as label/value pairs. */
export function insightFacts(i: Insight): [string, string][] {
  const n = i.numbers as unknown;
  if (!n || typeof n !== 'object' || Array.isArray(n) || 'rows' in (n as object)) return [];
  return Object.entries(n as Record<string, unknown>)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 8)
    .map(([k, v]) => [k.replace(/_/g, ' '), typeof v === 'number' ? formatCell(Number(v.toPrecision(6))) : formatCell(v as Cell)]);
}

/** Insights may carry their numbers as rows; draw the chart from them when they fit. */
function insightResult(i: Insight) {
  const n = i.numbers as unknown;
  if (n && typeof n === 'object' && !Array.isArray(n) && Array.isArray((n as { columns?: unknown }).columns) && Array.isArray((n as { rows?: unknown }).rows)) {
    return n as { columns: { name: string; type: string }[]; rows: Cell[][] };
  }
  if (Array.isArray(n) && n.length > 0 && typeof n[0] === 'object' && n[0] !== null) {
    const keys = Object.keys(n[0] as object);
    return {
      columns: keys.map((k) => ({ name: k, type: typeof (n[0] as Record<string, unknown>)[k] === 'number' ? 'float' : 'string' })),
      rows: (n as Record<string, Cell>[]).map((r) => keys.map((k) => r[k] ?? null)),
    };
  }
  return null;
}

export function InsightsTab({ id }: { id: string }) {
  const p = useAsync(() => getInsights(id), [id]);
  if (p.error) return <Alert action={<button className="btn-secondary btn-sm" onClick={p.reload}>Retry</button>}>{p.error}</Alert>;
  if (!p.data) return <Spinner label="Looking for insights…" />;
  if (p.data.insights.length === 0) return <EmptyState icon={Lightbulb} title="No insights yet">Nothing stood out in this data. Try asking a question instead.</EmptyState>;
  return (
    <div className="space-y-4">
      {p.data.sampled && <p className="text-xs text-slate-500">Computed on a sample of the rows.</p>}
      <ul className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        {p.data.insights.map((i, k) => {
          const res = insightResult(i);
          return (
            <li key={k} className="card min-w-0 space-y-3">
              <div>
                <span className="text-xs font-medium uppercase tracking-wide text-brand-700">{i.type.replace(/_/g, ' ')}</span>
                <h3 className="font-semibold">{i.title}</h3>
                <p className="mt-1 text-sm text-slate-600">{i.explanation}</p>
              </div>
              {res && i.chart && i.chart.chart_type !== 'table' && <ChartView spec={{ ...i.chart, title: undefined }} result={res} height={200} />}
              {res && (!i.chart || i.chart.chart_type === 'table') && <ResultTable columns={res.columns} rows={res.rows} maxHeight={200} />}
              {insightFacts(i).length > 0 && (
                <dl className="flex flex-wrap gap-1.5 text-xs">
                  {insightFacts(i).map(([k, v]) => (
                    <div key={k} className="rounded-md bg-slate-100 px-2 py-0.5">
                      <dt className="inline text-slate-500">{k} </dt>
                      <dd className="inline font-medium tabular-nums">{v}</dd>
                    </div>
                  ))}
                </dl>
              )}
              {i.sql && <SqlPanel sql={i.sql} />}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
