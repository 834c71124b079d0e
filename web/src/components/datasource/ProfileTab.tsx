import { AlertTriangle } from 'lucide-react';
import { getProfile } from '../../api/dataSources';
import { useAsync } from '../../hooks/useAsync';
import { formatCell, formatCount } from '../../lib/format';
import { Alert } from '../Alert';
import { Histogram, TopValues } from '../Histogram';
import { Spinner } from '../Spinner';
import type { ColumnFlags } from '../../api/types';

const fmt = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? formatCell(Number(v.toPrecision(6))) : formatCell(v as never));

/** The names of the quality flags a column raises (`looks_like_id`, `constant`, …). */
export function raisedFlags(flags: ColumnFlags | undefined): string[] {
  return Object.entries(flags ?? {})
    .filter(([, raised]) => raised === true)
    .map(([name]) => name);
}

export function ProfileTab({ id }: { id: string }) {
  const p = useAsync(() => getProfile(id), [id]);
  if (p.error) return <Alert action={<button className="btn-secondary btn-sm" onClick={p.reload}>Retry</button>}>{p.error}</Alert>;
  if (!p.data) return <Spinner label="Profiling columns…" />;
  const rows = p.data.row_count;
  return (
    <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {p.data.columns.map((c) => (
        <li key={c.name} className="card space-y-3">
          <div className="flex items-start justify-between gap-2">
            <h3 className="min-w-0 break-words font-semibold">{c.name}</h3>
            <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-600">{c.type}</span>
          </div>
          <dl className="grid grid-cols-3 gap-2 text-xs">
            <div>
              <dt className="text-slate-500">Nulls</dt>
              <dd className="font-medium tabular-nums">
                {formatCount(c.null_count)}
                {rows > 0 && c.null_count > 0 && <span className="text-slate-400"> ({Math.round((c.null_count / rows) * 100)}%)</span>}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Distinct</dt>
              <dd className="font-medium tabular-nums">{formatCount(c.distinct_count)}</dd>
            </div>
            {c.mean !== undefined && c.mean !== null && (
              <div>
                <dt className="text-slate-500">Mean</dt>
                <dd className="font-medium tabular-nums">{fmt(c.mean)}</dd>
              </div>
            )}
            <div>
              <dt className="text-slate-500">Min</dt>
              <dd className="truncate font-medium tabular-nums">{fmt(c.min)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Max</dt>
              <dd className="truncate font-medium tabular-nums">{fmt(c.max)}</dd>
            </div>
            {c.stddev !== undefined && c.stddev !== null && (
              <div>
                <dt className="text-slate-500">Std dev</dt>
                <dd className="font-medium tabular-nums">{fmt(c.stddev)}</dd>
              </div>
            )}
          </dl>
          {c.histogram && c.histogram.length > 0 ? <Histogram bins={c.histogram} label={c.name} /> : <TopValues values={c.top_values ?? []} />}
          {raisedFlags(c.flags).length > 0 && (
            <ul className="flex flex-wrap gap-1">
              {raisedFlags(c.flags).map((f) => (
                <li key={f} className="inline-flex items-center gap-1 rounded-full bg-amber-50 px-2 py-0.5 text-xs text-amber-800">
                  <AlertTriangle size={12} aria-hidden /> {f.replace(/_/g, ' ')}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
