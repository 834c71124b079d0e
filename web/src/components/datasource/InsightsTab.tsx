import { Lightbulb, MessageSquareText, Sparkles } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/client';
import { getInsights, narrateInsights } from '../../api/dataSources';
import { getHealth } from '../../api/stats';
import { useAsync } from '../../hooks/useAsync';
import { Alert } from '../Alert';
import { EmptyState } from '../EmptyState';
import { Spinner } from '../Spinner';
import { SqlPanel } from '../SqlPanel';
import { ChartView } from '../charts/ChartView';
import { ResultTable } from '../ResultTable';
import type { Cell, Insight, Narration } from '../../api/types';
import { formatCell } from '../../lib/format';

/** Scalar facts of an insight (`{pearson_r: 0.71, sample_size: 1000}`) as label/value pairs. */
export function insightFacts(i: Pick<Insight, 'numbers'>): [string, string][] {
  return Object.entries(i.numbers)
    .filter(([k, v]) => !k.endsWith('_sql') && (v === null || ['string', 'number', 'boolean'].includes(typeof v)))
    .slice(0, 8)
    .map(([k, v]) => [k.replace(/_/g, ' '), typeof v === 'number' ? formatCell(Number(v.toPrecision(6))) : formatCell(v as Cell)]);
}

/** The analysis page, running the finding's SQL with its question in the box. */
export function askAboutLink(sourceId: string, i: Pick<Insight, 'sql' | 'question'>): string {
  const params = new URLSearchParams({ source: sourceId, sql: i.sql });
  if (i.question) params.set('q', i.question);
  return `/analysis?${params.toString()}`;
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
  const [showAll, setShowAll] = useState(false);
  if (p.error) return <Alert action={<button className="btn-secondary btn-sm" onClick={p.reload}>Retry</button>}>{p.error}</Alert>;
  if (!p.data) return <Spinner label="Looking for insights…" />;
  const all = p.data.insights;
  if (all.length === 0) return <EmptyState icon={Lightbulb} title="No insights yet">Nothing stood out in this data. Try asking a question instead.</EmptyState>;
  const headline = Math.max(1, p.data.headline_count || Math.min(8, all.length));
  const shown = showAll ? all : all.slice(0, headline);
  return (
    <div className="space-y-4">
      {health.data?.llm === 'configured' && <AiSummary id={id} />}
      {p.data.sampled && <p className="text-xs text-slate-500">Computed on a sample of the rows.</p>}
      <ul className="grid grid-cols-1 gap-4 lg:grid-cols-2" aria-label="Insights">
        {shown.map((i, k) => (
          <li key={k} className="card min-w-0 space-y-3" data-insight-type={i.type}>
            <div>
              <span className="text-xs font-medium uppercase tracking-wide text-brand-700">{i.type.replace(/_/g, ' ')}</span>
              <h3 className="font-semibold">{i.title}</h3>
              <p className="mt-1 text-sm text-slate-600">{i.explanation}</p>
            </div>
            {i.result &&
              (i.chart.chart_type === 'table' ? (
                <ResultTable columns={i.result.columns} rows={i.result.rows.slice(0, 5)} caption={i.title} />
              ) : (
                <ChartView spec={{ ...i.chart, title: '' }} result={i.result} height={220} />
              ))}
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
            <div className="flex flex-wrap items-center gap-3">
              <Link to={askAboutLink(id, i)} className="btn-secondary btn-sm">
                <MessageSquareText size={14} aria-hidden /> Ask about this
              </Link>
            </div>
            {i.sql && <SqlPanel sql={i.sql} />}
          </li>
        ))}
      </ul>
      {all.length > headline && (
        <button type="button" className="btn-secondary btn-sm" onClick={() => setShowAll((v) => !v)}>
          {showAll ? `Show the top ${headline}` : `Show all ${all.length} findings`}
        </button>
      )}
    </div>
  );
}
