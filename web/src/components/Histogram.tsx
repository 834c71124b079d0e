import { Bar, BarChart, ResponsiveContainer, Tooltip } from 'recharts';
import type { HistogramBin } from '../api/types';
import { formatCell } from '../lib/format';

/** A small histogram (sparkline-sized) of a column's distribution. */
export function Histogram({ bins, label }: { bins: HistogramBin[]; label: string }) {
  if (!bins || bins.length === 0) return null;
  const data = bins.map((b) => ({ range: `${formatCell(b.lower)} – ${formatCell(b.upper)}`, count: b.count }));
  return (
    <div className="h-16 w-full" role="img" aria-label={`Distribution of ${label}: ${bins.length} bins`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 2, right: 0, bottom: 0, left: 0 }}>
          <Tooltip formatter={(v: unknown) => [String(v), 'rows']} labelFormatter={(_, p) => (p?.[0]?.payload as { range?: string })?.range ?? ''} />
          <Bar dataKey="count" fill="#6090fa" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function TopValues({ values }: { values: { value: unknown; count: number }[] }) {
  if (!values || values.length === 0) return null;
  const max = Math.max(...values.map((v) => v.count), 1);
  return (
    <ul className="space-y-1" aria-label="Most common values">
      {values.slice(0, 5).map((v, i) => (
        <li key={i} className="text-xs">
          <div className="flex justify-between gap-2">
            <span className="truncate">{formatCell(v.value as never)}</span>
            <span className="tabular-nums text-slate-500">{v.count}</span>
          </div>
          <div className="h-1 rounded bg-slate-100">
            <div className="h-1 rounded bg-brand-400" style={{ width: `${(v.count / max) * 100}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}
