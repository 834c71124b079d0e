import { Lightbulb, Sparkles } from 'lucide-react';
import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { getInsights, narrateInsights } from '../../api/dataSources';
import { getHealth } from '../../api/stats';
import { useAsync } from '../../hooks/useAsync';
import { Alert } from '../Alert';
import { EmptyState } from '../EmptyState';
import { Spinner } from '../Spinner';
import { SqlPanel } from '../SqlPanel';
import type { Cell, Insight, Narration } from '../../api/types';
import { formatCell } from '../../lib/format';

/** Scalar facts of an insight (`{pearson_r: 0.71, sample_size: 1000}`) as label/value pairs. */
export function insightFacts(i: Pick<Insight, 'numbers'>): [string, string][] {
  return Object.entries(i.numbers)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 8)
    .map(([k, v]) => [k.replace(/_/g, ' '), typeof v === 'number' ? formatCell(Number(v.toPrecision(6))) : formatCell(v as Cell)]);
}

/** "Summarize with AI": the model words the findings; a summary with a number not in them is not shown. */
function AiSummary({ id }: { id: string }) {
  const [busy, setBusy] = useState(false);
  const [narration, setNarration] = useState<Narration | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (narration?.text)
    return (
      <section className="card border-violet-200 bg-violet-50" aria-label="AI summary">
        <p className="text-sm text-violet-900">{narration.text}</p>
        <p className="mt-1 text-xs text-violet-700">Written by {narration.model}; every number is one of the findings below.</p>
      </section>
    );
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        className="btn-secondary btn-sm"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            setNarration(await narrateInsights(id));
          } catch (e) {
            setError(errorMessage(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Sparkles size={14} aria-hidden /> {busy ? 'Summarizing…' : 'Summarize with AI'}
      </button>
      {narration && !narration.text && <p className="text-xs text-slate-600">{narration.reason}</p>}
      {error && <p role="alert" className="text-xs text-red-700">{error}</p>}
    </div>
  );
}

export function InsightsTab({ id }: { id: string }) {
  const health = useAsync(() => getHealth(), []);
  const p = useAsync(() => getInsights(id), [id]);
  if (p.error) return <Alert action={<button className="btn-secondary btn-sm" onClick={p.reload}>Retry</button>}>{p.error}</Alert>;
  if (!p.data) return <Spinner label="Looking for insights…" />;
  if (p.data.insights.length === 0) return <EmptyState icon={Lightbulb} title="No insights yet">Nothing stood out in this data. Try asking a question instead.</EmptyState>;
  return (
    <div className="space-y-4">
      {health.data?.llm === 'configured' && <AiSummary id={id} />}
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
