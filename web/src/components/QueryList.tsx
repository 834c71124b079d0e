import { Code2, ExternalLink, MessageSquareText, RotateCw, Search, Trash2 } from 'lucide-react';
import type { LucideIcon } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../api/client';
import { deleteQuery, type QueryListParams } from '../api/queries';
import type { Page, QueryRecord } from '../api/types';
import { useAsync } from '../hooks/useAsync';
import { formatCount, timeAgo } from '../lib/format';
import { Alert } from './Alert';
import { ConfirmDialog } from './ConfirmDialog';
import { EmptyState } from './EmptyState';
import { Pagination } from './Pagination';
import { Spinner } from './Spinner';

const PAGE_SIZE = 20;

/** A searchable, paged list of stored queries with open / re-run / delete. */
export function QueryList({
  fetch,
  emptyIcon,
  emptyTitle,
  emptyText,
  label,
}: {
  fetch: (p: QueryListParams) => Promise<Page<QueryRecord>>;
  emptyIcon: LucideIcon;
  emptyTitle: string;
  emptyText: string;
  label: string;
}) {
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [type, setType] = useState('');
  const [toDelete, setToDelete] = useState<QueryRecord | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();
  const list = useAsync(() => fetch({ page, page_size: PAGE_SIZE, search: applied, query_type: type }), [page, applied, type]);

  // Search as you type, debounced.
  useEffect(() => {
    const t = setTimeout(() => {
      setPage(1);
      setApplied(search.trim());
    }, 300);
    return () => clearTimeout(t);
  }, [search]);

  async function onDelete() {
    if (!toDelete) return;
    setDeleting(true);
    setError(null);
    try {
      await deleteQuery(toDelete.id);
      setToDelete(null);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
      setToDelete(null);
    } finally {
      setDeleting(false);
    }
  }

  const items = list.data?.items ?? [];
  const filtered = applied || type;

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-2 sm:flex-row">
        <div className="relative flex-1">
          <Search size={16} className="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-slate-400" aria-hidden />
          <label htmlFor="query-search" className="sr-only">
            Search {label}
          </label>
          <input id="query-search" type="search" className="input pl-9" placeholder="Search questions and SQL" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <label htmlFor="query-type" className="sr-only">
          Query type
        </label>
        <select
          id="query-type"
          className="input sm:w-48"
          value={type}
          onChange={(e) => {
            setPage(1);
            setType(e.target.value);
          }}
        >
          <option value="">All types</option>
          <option value="natural_language">Questions</option>
          <option value="sql">SQL</option>
        </select>
      </div>
      {error && <Alert>{error}</Alert>}
      {list.error && <Alert action={<button className="btn-secondary btn-sm" onClick={list.reload}>Retry</button>}>{list.error}</Alert>}
      {list.loading && !list.data && <Spinner />}
      {list.data && items.length === 0 &&
        (filtered ? (
          <EmptyState icon={Search} title="Nothing matches">
            No {label} match your search.
          </EmptyState>
        ) : (
          <EmptyState icon={emptyIcon} title={emptyTitle}>
            {emptyText}
          </EmptyState>
        ))}
      {items.length > 0 && (
        <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white" aria-label={label} aria-busy={list.loading}>
          {items.map((q) => (
            <li key={q.id} className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center">
              <div className="flex min-w-0 flex-1 items-start gap-2">
                {q.query_type === 'sql' ? <Code2 size={16} className="mt-0.5 shrink-0 text-slate-400" aria-label="SQL" /> : <MessageSquareText size={16} className="mt-0.5 shrink-0 text-slate-400" aria-label="Question" />}
                <div className="min-w-0">
                  <button type="button" className="text-left font-medium text-slate-900 hover:text-brand-700 hover:underline" onClick={() => navigate(`/analysis?query=${q.id}`)}>
                    <span className={q.query_type === 'sql' ? 'font-mono text-xs' : ''}>{q.query_text}</span>
                  </button>
                  <div className="text-xs text-slate-500">
                    {timeAgo(q.created_at)}
                    {q.result_data && ` · ${formatCount(q.result_data.row_count)} rows`}
                    {typeof q.execution_time_ms === 'number' && ` · ${q.execution_time_ms} ms`}
                    {q.is_saved && ' · saved'}
                    {q.status === 'needs_clarification' && ' · needed clarification'}
                  </div>
                </div>
              </div>
              <div className="flex shrink-0 gap-1">
                <button type="button" className="btn-ghost btn-sm" onClick={() => navigate(`/analysis?query=${q.id}`)}>
                  <ExternalLink size={14} aria-hidden /> Open
                </button>
                <button type="button" className="btn-ghost btn-sm" onClick={() => navigate(`/analysis?query=${q.id}&rerun=1`)} disabled={!q.data_source_id} title={q.data_source_id ? undefined : 'Its data source was deleted'}>
                  <RotateCw size={14} aria-hidden /> Re-run
                </button>
                <button type="button" className="btn-ghost btn-sm text-red-700" onClick={() => setToDelete(q)} aria-label={`Delete “${q.query_text}”`}>
                  <Trash2 size={14} aria-hidden /> Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <Pagination page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={setPage} label={`${label} pages`} />
      <ConfirmDialog open={!!toDelete} title="Delete this query?" confirmLabel="Delete" danger busy={deleting} onConfirm={onDelete} onCancel={() => setToDelete(null)}>
        “{toDelete?.query_text}” and its charts are removed from your history.
      </ConfirmDialog>
    </div>
  );
}
