import { formatBytes } from '../../lib/format';

export function StorageBar({ used, limit }: { used: number; limit: number }) {
  const frac = limit > 0 ? Math.min(1, used / limit) : 0;
  const pct = Math.round(frac * 1000) / 10;
  return (
    <section aria-labelledby="storage-title" className="card">
      <h2 id="storage-title" className="font-semibold">
        Storage
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {formatBytes(used)} of {formatBytes(limit)} used
      </p>
      <div role="meter" aria-label="Storage used" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="mt-3 h-2.5 overflow-hidden rounded-full bg-slate-200">
        <div className={`h-full rounded-full ${frac > 0.9 ? 'bg-red-500' : frac > 0.7 ? 'bg-amber-500' : 'bg-brand-600'}`} style={{ width: `${Math.max(pct, used > 0 ? 1 : 0)}%` }} />
      </div>
    </section>
  );
}
