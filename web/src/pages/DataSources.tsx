import { Database, MessageSquareText } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { listDataSources } from '../api/dataSources';
import { Alert } from '../components/Alert';
import { StatusBadge, TypeBadge } from '../components/Badges';
import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { Pagination } from '../components/Pagination';
import { Spinner } from '../components/Spinner';
import { UploadPanel } from '../components/UploadPanel';
import { ConnectPanel } from '../components/connect/ConnectPanel';
import { SyncButton } from '../components/datasource/Sync';
import type { DataSource } from '../api/types';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useSyncPolling } from '../hooks/useSyncPolling';
import { formatBytes, formatCount, timeAgo } from '../lib/format';

const PAGE_SIZE = 20;

export default function DataSources() {
  useDocumentTitle('Data sources');
  const [page, setPage] = useState(1);
  const list = useAsync(() => listDataSources(page, PAGE_SIZE), [page]);
  const [uploaded, setUploaded] = useState<string | null>(null);
  const navigate = useNavigate();
  const items = list.data?.items ?? [];
  // A synced (or syncing) source replaces its row, so badges and counts update live.
  const replace = (ds: DataSource) => list.setData((p) => (p ? { ...p, items: p.items.map((i) => (i.id === ds.id ? ds : i)) } : p));
  useSyncPolling(items, replace);
  const added = (ds: DataSource, verb: string) => {
    setUploaded(`“${ds.name}” is ${verb}: ${formatCount(ds.row_count)} rows, ${ds.columns_info?.length ?? 0} columns.`);
    setPage(1);
    list.reload();
  };

  return (
    <>
      <PageHeader title="Data sources" subtitle="Files and connections you can ask questions about." />
      <div className="space-y-6">
        <UploadPanel onUploaded={(ds) => added(ds, 'ready')} />
        <ConnectPanel onConnected={(ds) => added(ds, 'connected')} />
        {uploaded && <Alert kind="success">{uploaded}</Alert>}

        <section aria-labelledby="sources-title">
          <h2 id="sources-title" className="mb-3 font-semibold">
            Your data sources {list.data && <span className="font-normal text-slate-500">({list.data.total})</span>}
          </h2>
          {list.loading && !list.data && <Spinner />}
          {list.error && <Alert action={<button className="btn-secondary btn-sm" onClick={list.reload}>Retry</button>}>{list.error}</Alert>}
          {list.data && items.length === 0 && (
            <EmptyState icon={Database} title="No data sources yet">
              Upload a CSV, Excel or JSON file, or connect an API, a database or a Google Sheet above to get started.
            </EmptyState>
          )}
          {items.length > 0 && (
            <>
              {/* Table on wide screens */}
              <div className="hidden overflow-x-auto rounded-xl border border-slate-200 bg-white md:block">
                <table className="min-w-full text-sm" data-testid="sources-table">
                  <caption className="sr-only">Data sources</caption>
                  <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-600">
                    <tr>
                      <th scope="col" className="px-4 py-2">Name</th>
                      <th scope="col" className="px-4 py-2">Type</th>
                      <th scope="col" className="px-4 py-2">Status</th>
                      <th scope="col" className="px-4 py-2 text-right">Rows</th>
                      <th scope="col" className="px-4 py-2 text-right">Size</th>
                      <th scope="col" className="px-4 py-2">Updated</th>
                      <th scope="col" className="px-4 py-2"><span className="sr-only">Actions</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((s) => (
                      <tr key={s.id} className="border-t border-slate-100 hover:bg-slate-50">
                        <td className="px-4 py-2.5 font-medium">
                          <Link to={`/data-sources/${s.id}`} className="link">
                            {s.name}
                          </Link>
                        </td>
                        <td className="px-4 py-2.5"><TypeBadge type={s.type} /></td>
                        <td className="px-4 py-2.5">
                          <StatusBadge status={s.status} />
                          <StatusMessage source={s} />
                        </td>
                        <td className="px-4 py-2.5 text-right tabular-nums" data-testid="row-count">{formatCount(s.row_count)}</td>
                        <td className="px-4 py-2.5 text-right tabular-nums">{formatBytes(s.file_size)}</td>
                        <td className="px-4 py-2.5 text-slate-600">{timeAgo(s.updated_at ?? s.created_at)}</td>
                        <td className="px-4 py-2.5 text-right">
                          <div className="flex items-start justify-end gap-1">
                            <SyncButton source={s} onStarted={replace} size="sm" />
                            <button type="button" className="btn-ghost btn-sm" onClick={() => navigate(`/analysis?source=${s.id}`)}>
                              <MessageSquareText size={14} aria-hidden /> Ask
                            </button>
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {/* Cards on phones */}
              <ul className="space-y-3 md:hidden">
                {items.map((s) => (
                  <li key={s.id} className="card">
                    <div className="flex items-start justify-between gap-2">
                      <Link to={`/data-sources/${s.id}`} className="link min-w-0 break-words">
                        {s.name}
                      </Link>
                      <StatusBadge status={s.status} />
                    </div>
                    <StatusMessage source={s} />
                    <div className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600">
                      <TypeBadge type={s.type} />
                      <span>{formatCount(s.row_count)} rows</span>
                      <span>{formatBytes(s.file_size)}</span>
                      <span>updated {timeAgo(s.updated_at ?? s.created_at)}</span>
                    </div>
                    <div className="mt-3 flex flex-wrap items-start gap-2">
                      <Link to={`/analysis?source=${s.id}`} className="btn-secondary btn-sm">
                        <MessageSquareText size={14} aria-hidden /> Ask a question
                      </Link>
                      <SyncButton source={s} onStarted={replace} size="sm" />
                    </div>
                  </li>
                ))}
              </ul>
              <Pagination page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={setPage} label="Data source pages" />
            </>
          )}
        </section>
      </div>
    </>
  );
}

/** Why a source is in error (the previous snapshot still answers questions). */
function StatusMessage({ source }: { source: DataSource }) {
  if (source.status !== 'error' || !source.status_message) return null;
  return (
    <p className="mt-1 max-w-xs break-words text-xs text-red-700" data-testid="status-message">
      {source.status_message}
    </p>
  );
}
