import { ChevronLeft, ChevronRight, Columns2, Pin, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/client';
import { deleteTile, getTileResult, listTiles, reorderTiles, updateTile } from '../../api/dashboard';
import type { Tile } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { defaultSpec } from '../../lib/chart';
import { Alert } from '../Alert';
import { Spinner } from '../Spinner';
import { ChartView } from '../charts/ChartView';
import { ResultTable } from '../ResultTable';

/** Literal class names so Tailwind keeps them: a tile spans 1–3 of the grid's columns. */
const SPAN: Record<number, string> = { 1: 'lg:col-span-1', 2: 'lg:col-span-2', 3: 'lg:col-span-3' };
const CHART_HEIGHT: Record<number, number> = { 1: 220, 2: 460 };

/** Where a tile's title leads: its query, or (once that was deleted) its SQL on its source. */
export function tileLink(t: Pick<Tile, 'query_id' | 'data_source_id' | 'sql'>): string | null {
  if (t.query_id) return `/analysis?query=${t.query_id}&rerun=1`;
  if (t.data_source_id) return `/analysis?${new URLSearchParams({ source: t.data_source_id, sql: t.sql }).toString()}`;
  return null;
}

/** `ids` with the one at `from` moved to `to`. */
export function moved(ids: string[], from: number, to: number): string[] {
  if (to < 0 || to >= ids.length) return ids;
  const next = [...ids];
  const [id] = next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}

function TileBody({ tile }: { tile: Tile }) {
  const r = useAsync(() => getTileResult(tile.id), [tile.id]);
  if (r.error) return <Alert action={<button className="btn-secondary btn-sm" onClick={r.reload}>Retry</button>}>{r.error}</Alert>;
  if (!r.data) return <Spinner label="Running…" />;
  if (r.data.status !== 'ok' || !r.data.result) return <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">{r.data.message}</p>;
  const result = r.data.result;
  const spec = tile.chart ?? defaultSpec(result);
  if (spec.chart_type === 'table') return <ResultTable columns={result.columns} rows={result.rows.slice(0, 10)} caption={tile.title} />;
  return <ChartView spec={{ ...spec, title: '' }} result={result} height={CHART_HEIGHT[tile.height] ?? 220} />;
}

/** The answers the user pinned, re-run against the current data each time the dashboard opens. */
export function PinnedTiles() {
  const tiles = useAsync(() => listTiles(), []);
  const [error, setError] = useState<string | null>(null);
  const items = tiles.data ?? [];

  async function change(fn: () => Promise<Tile[] | void>) {
    setError(null);
    try {
      const next = await fn();
      if (next) tiles.setData(next);
      else tiles.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const ids = items.map((t) => t.id);
  return (
    <section aria-labelledby="pinned-title" className="space-y-3">
      <h2 id="pinned-title" className="font-semibold">
        Pinned answers
      </h2>
      {error && <Alert>{error}</Alert>}
      {tiles.error && <Alert action={<button className="btn-secondary btn-sm" onClick={tiles.reload}>Retry</button>}>{tiles.error}</Alert>}
      {tiles.loading && !tiles.data && <Spinner />}
      {tiles.data && items.length === 0 && (
        <p className="card text-sm text-slate-500">
          <Pin size={14} className="mr-1 inline" aria-hidden />
          Nothing pinned yet. Pin an answer on the Analysis page to keep it here, re-run on the latest data every time you open the dashboard.
        </p>
      )}
      {items.length > 0 && (
        <ul className="grid grid-cols-1 gap-4 lg:grid-cols-3" aria-label="Pinned answers">
          {items.map((t, i) => {
            const link = tileLink(t);
            return (
              <li key={t.id} className={`card min-w-0 space-y-2 ${SPAN[t.width] ?? ''}`} aria-label={t.title}>
                <div className="flex items-start justify-between gap-2">
                  <div className="min-w-0">
                    {link ? (
                      <Link to={link} className="link break-words font-semibold">
                        {t.title}
                      </Link>
                    ) : (
                      <span className="break-words font-semibold">{t.title}</span>
                    )}
                    <p className="text-xs text-slate-500">{t.source_name}</p>
                  </div>
                  <div className="flex shrink-0 gap-1">
                    <button type="button" className="btn-ghost btn-sm" aria-label={`Move ${t.title} earlier`} disabled={i === 0} onClick={() => change(() => reorderTiles(moved(ids, i, i - 1)))}>
                      <ChevronLeft size={14} aria-hidden />
                    </button>
                    <button type="button" className="btn-ghost btn-sm" aria-label={`Move ${t.title} later`} disabled={i === items.length - 1} onClick={() => change(() => reorderTiles(moved(ids, i, i + 1)))}>
                      <ChevronRight size={14} aria-hidden />
                    </button>
                    <button
                      type="button"
                      className="btn-ghost btn-sm"
                      aria-label={`Resize ${t.title}`}
                      title="Wider (cycles 1–3 columns); shift-click for taller"
                      onClick={(e) =>
                        change(async () => {
                          const body = e.shiftKey ? { height: t.height === 1 ? 2 : 1 } : { width: (t.width % 3) + 1 };
                          const updated = await updateTile(t.id, body);
                          return items.map((x) => (x.id === t.id ? updated : x));
                        })
                      }
                    >
                      <Columns2 size={14} aria-hidden />
                    </button>
                    <button type="button" className="btn-ghost btn-sm" aria-label={`Remove ${t.title}`} onClick={() => change(() => deleteTile(t.id))}>
                      <Trash2 size={14} aria-hidden />
                    </button>
                  </div>
                </div>
                <TileBody tile={t} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
