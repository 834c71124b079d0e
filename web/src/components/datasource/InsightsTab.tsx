import { Lightbulb } from 'lucide-react';
import { getInsights } from '../../api/dataSources';
import { useAsync } from '../../hooks/useAsync';
import { Alert } from '../Alert';
import { EmptyState } from '../EmptyState';
import { Spinner } from '../Spinner';
import { SqlPanel } from '../SqlPanel';
import type { Cell, Insight } from '../../api/types';
import { formatCell } from '../../lib/format';

/** Scalar facts of an insight (`{pearson_r: 0.71, sample_size: 1000}`) as label/value pairs. */
export function insightFacts(i: Pick<Insight, 'numbers'>): [string, string][] {
  return Object.entries(i.numbers)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 8)
    .map(([k, v]) => [k.replace(/_/g, ' '), typeof v === 'number' ? formatCell(Number(v.toPrecision(6))) : formatCell(v as Cell)]);
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
        {p.data.insights.map((i, k) => (
          <li key={k} className="card min-w-0 space-y-3">
            <div>
              <span className="text-xs font-medium uppercase tracking-wide text-brand-700">{i.type.replace(/_/g, ' ')}</span>
              <h3 className="font-semibold">{i.title}</h3>
              <p className="mt-1 text-sm text-slate-600">{i.explanation}</p>
            </div>
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
        ))}
      </ul>
    </div>
  );
}
