import { Clock, RefreshCw } from 'lucide-react';
import { useId, useState } from 'react';
import { errorMessage } from '../../api/client';
import { syncDataSource } from '../../api/connections';
import { updateDataSource } from '../../api/dataSources';
import type { DataSource, SchemaDrift } from '../../api/types';
import { formatCount, formatDate, timeAgo } from '../../lib/format';

/** Whether a source is read from a connection (and so can be synced), not an uploaded file. */
export const isConnected = (s: Pick<DataSource, 'type'>) => s.type !== 'csv';

/** "2 columns added, 1 removed, amount retyped (integer → float)", or null when nothing changed. */
export function driftSummary(drift: SchemaDrift | null | undefined): string | null {
  if (!drift) return null;
  const parts: string[] = [];
  const n = (k: number) => `${k} column${k === 1 ? '' : 's'}`;
  if (drift.added.length) parts.push(`${n(drift.added.length)} added (${drift.added.join(', ')})`);
  if (drift.removed.length) parts.push(`${n(drift.removed.length)} removed (${drift.removed.join(', ')})`);
  if (drift.changed.length) parts.push(`${n(drift.changed.length)} retyped (${drift.changed.map((c) => `${c.column}: ${c.from} → ${c.to}`).join(', ')})`);
  return parts.length ? parts.join('; ') : null;
}

/**
 * "Sync now": starts a sync and hands back the source as `syncing`, so the page's
 * `useSyncPolling` follows it until it is done.
 */
export function SyncButton({ source, onStarted, size = 'md' }: { source: DataSource; onStarted: (ds: DataSource) => void; size?: 'sm' | 'md' }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!isConnected(source)) return null;
  const syncing = source.status === 'syncing';
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <button
        type="button"
        className={size === 'sm' ? 'btn-ghost btn-sm' : 'btn-secondary'}
        disabled={busy || syncing}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await syncDataSource(source.id);
            onStarted({ ...source, status: 'syncing' });
          } catch (e) {
            setError(errorMessage(e, 'The sync could not be started.'));
          } finally {
            setBusy(false);
          }
        }}
      >
        <RefreshCw size={size === 'sm' ? 14 : 16} className={syncing ? 'animate-spin' : ''} aria-hidden />
        {syncing ? 'Syncing…' : 'Sync now'}
        {size === 'sm' && <span className="sr-only">: {source.name}</span>}
      </button>
      {error && (
        <span role="alert" className="max-w-xs text-right text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}

const SCHEDULES: { minutes: number; label: string }[] = [
  { minutes: 0, label: 'Off (sync on request)' },
  { minutes: 60, label: 'Every hour' },
  { minutes: 1440, label: 'Every day' },
];

function scheduleLabel(minutes: number): string {
  const known = SCHEDULES.find((s) => s.minutes === minutes);
  if (known) return known.label;
  if (minutes % 1440 === 0) return `Every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return `Every ${minutes / 60} hours`;
  return `Every ${minutes} minutes`;
}

/** Choices for a new connection's schedule (the same as on the detail page). */
export const SYNC_SCHEDULES = SCHEDULES;

/** The sync schedule select of a connected source; saved as soon as it changes. */
export function SyncSchedule({ source, onSaved }: { source: DataSource; onSaved: (ds: DataSource) => void }) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = source.sync_interval_minutes ?? 0;
  const options = SCHEDULES.some((s) => s.minutes === current) ? SCHEDULES : [...SCHEDULES, { minutes: current, label: scheduleLabel(current) }];
  if (!isConnected(source)) return null;
  return (
    <div className="text-sm">
      <label htmlFor={id} className="label">
        Sync schedule
      </label>
      <select
        id={id}
        className="input w-auto"
        value={current}
        disabled={busy}
        onChange={async (e) => {
          const minutes = Number(e.target.value);
          setBusy(true);
          setError(null);
          try {
            onSaved(await updateDataSource(source.id, { sync_interval_minutes: minutes }));
          } catch (err) {
            setError(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {options.map((o) => (
          <option key={o.minutes} value={o.minutes}>
            {o.label}
          </option>
        ))}
      </select>
      {error && <p role="alert" className="mt-1 text-xs text-red-700">{error}</p>}
    </div>
  );
}

/** When the source was last synced, how long it took, rows before → after and the schema drift. */
export function LastSync({ source }: { source: DataSource }) {
  if (!isConnected(source)) return null;
  const report = source.last_sync;
  const at = report?.finished_at ?? source.last_synced_at;
  const drift = driftSummary(report?.drift);
  return (
    <div className="text-sm text-slate-700" data-testid="last-sync">
      <p>
        <Clock size={14} className="mr-1.5 inline-block align-[-2px] text-slate-500" aria-hidden />
        {at ? (
          <>
            Last synced{' '}
            <time dateTime={at} title={formatDate(at)} className="font-medium">
              {timeAgo(at)}
            </time>
            {report && (
              <span className="text-slate-500">
                {' '}
                · {formatCount(report.rows_before)} → {formatCount(report.rows_after)} rows in {formatCount(report.duration_ms)} ms
              </span>
            )}
          </>
        ) : (
          'Not synced yet'
        )}
      </p>
      {report && (
        <p className="mt-0.5 text-xs text-slate-500" data-testid="sync-drift">
          {drift ? `Schema changes: ${drift}.` : 'No schema changes in the last sync.'}
        </p>
      )}
    </div>
  );
}

/** A one-line description of where a connected source reads from (secrets are masked by the server). */
export function connectionSummary(source: DataSource): string | null {
  const c = source.connection as { kind?: string; settings?: Record<string, unknown> } | null | undefined;
  const s = c?.settings;
  if (!s) return null;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  if (c.kind === 'database') {
    const engine = str(s.engine) === 'mysql' ? 'MySQL' : 'PostgreSQL';
    const where = `${str(s.user) ? `${s.user}@` : ''}${str(s.host) ?? ''}${s.port ? `:${s.port}` : ''}/${str(s.database) ?? ''}`;
    const what = str(s.table) ? `table ${s.table}` : str(s.query) ? 'a SQL query' : '';
    return `${engine} ${where}${what ? ` · ${what}` : ''}`;
  }
  if (c.kind === 'api') return `${str(s.method) ?? 'GET'} ${str(s.url) ?? ''}`;
  if (c.kind === 'google_sheets') return `${str(s.url) ?? ''}${str(s.sheet) ? ` · tab ${s.sheet}` : ''}`;
  return null;
}
