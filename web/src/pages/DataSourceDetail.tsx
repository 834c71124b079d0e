import { ArrowLeft, MessageSquareText, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { errorMessage } from '../api/client';
import { deleteDataSource, getDataSource } from '../api/dataSources';
import { Alert } from '../components/Alert';
import { StatusBadge, TypeBadge } from '../components/Badges';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ColumnsEditor } from '../components/datasource/ColumnsEditor';
import { AiSharingToggle } from '../components/datasource/AiSharingToggle';
import { InsightsTab } from '../components/datasource/InsightsTab';
import { PreviewTab } from '../components/datasource/PreviewTab';
import { ProfileTab } from '../components/datasource/ProfileTab';
import { RenameForm } from '../components/datasource/RenameForm';
import { LastSync, SyncButton, SyncSchedule, connectionSummary, isConnected } from '../components/datasource/Sync';
import { Spinner } from '../components/Spinner';
import { Tabs } from '../components/Tabs';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useSyncPolling } from '../hooks/useSyncPolling';
import { formatBytes, formatCount, formatDate } from '../lib/format';

type Tab = 'preview' | 'profile' | 'insights' | 'columns';
const TABS: { id: Tab; label: string }[] = [
  { id: 'preview', label: 'Preview' },
  { id: 'profile', label: 'Column profile' },
  { id: 'insights', label: 'Insights' },
  { id: 'columns', label: 'Descriptions & synonyms' },
];

export default function DataSourceDetail() {
  const { id = '' } = useParams();
  const ds = useAsync(() => getDataSource(id), [id]);
  useDocumentTitle(ds.data?.name ?? 'Data source');
  const [tab, setTab] = useState<Tab>('preview');
  const [confirm, setConfirm] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const navigate = useNavigate();
  // While a sync runs (asked here or by the schedule) the badge follows it.
  useSyncPolling(ds.data ? [ds.data] : [], ds.setData);

  if (ds.error)
    return (
      <div className="space-y-4">
        <Link to="/data-sources" className="link inline-flex items-center gap-1 text-sm">
          <ArrowLeft size={14} aria-hidden /> All data sources
        </Link>
        <Alert action={<button className="btn-secondary btn-sm" onClick={ds.reload}>Retry</button>}>{ds.error}</Alert>
      </div>
    );
  if (!ds.data) return <Spinner />;
  const s = ds.data;
  const where = connectionSummary(s);
  // Tabs read the snapshot; a sync makes a new one (a new version).
  const snapshot = `${s.id}-${s.version}`;

  async function onDelete() {
    setDeleting(true);
    setDeleteError(null);
    try {
      await deleteDataSource(s.id);
      navigate('/data-sources', { replace: true });
    } catch (e) {
      setDeleteError(errorMessage(e));
      setConfirm(false);
    } finally {
      setDeleting(false);
    }
  }

  return (
    <>
      <Link to="/data-sources" className="link mb-3 inline-flex items-center gap-1 text-sm">
        <ArrowLeft size={14} aria-hidden /> All data sources
      </Link>
      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <RenameForm source={s} onSaved={(d) => ds.setData(d)} />
        <div className="flex shrink-0 flex-wrap gap-2">
          <Link to={`/analysis?source=${s.id}`} className="btn-primary">
            <MessageSquareText size={16} aria-hidden /> Ask a question
          </Link>
          <SyncButton source={s} onStarted={(d) => ds.setData(d)} />
          <button type="button" className="btn-secondary text-red-700" onClick={() => setConfirm(true)}>
            <Trash2 size={16} aria-hidden /> Delete
          </button>
        </div>
      </div>
      <dl className="mb-6 flex flex-wrap gap-x-6 gap-y-2 text-sm">
        <div className="flex items-center gap-1.5"><dt className="sr-only">Type</dt><dd><TypeBadge type={s.type} /></dd></div>
        <div className="flex items-center gap-1.5"><dt className="sr-only">Status</dt><dd><StatusBadge status={s.status} /></dd></div>
        <div><dt className="inline text-slate-500">Rows </dt><dd className="inline font-medium" data-testid="detail-rows">{formatCount(s.row_count)}</dd></div>
        <div><dt className="inline text-slate-500">Columns </dt><dd className="inline font-medium">{s.columns_info?.length ?? 0}</dd></div>
        <div><dt className="inline text-slate-500">Size </dt><dd className="inline font-medium">{formatBytes(s.file_size)}</dd></div>
        <div><dt className="inline text-slate-500">Added </dt><dd className="inline font-medium">{formatDate(s.created_at)}</dd></div>
        {s.table_name && <div><dt className="inline text-slate-500">SQL table </dt><dd className="inline font-mono text-xs">{s.table_name}</dd></div>}
        {where && <div className="min-w-0"><dt className="inline text-slate-500">Reads from </dt><dd className="inline break-all font-mono text-xs" data-testid="connection-summary">{where}</dd></div>}
      </dl>
      {isConnected(s) && (
        <div className="mb-4 flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:flex-row sm:items-end sm:justify-between">
          <LastSync source={s} />
          <SyncSchedule source={s} onSaved={(d) => ds.setData(d)} />
        </div>
      )}
      <div className="mb-4">
        <AiSharingToggle source={s} onSaved={(d) => ds.setData(d)} />
      </div>
      {s.status === 'error' && s.status_message && (
        <div className="mb-4">
          <Alert>
            {isConnected(s) ? `The last sync failed: ${s.status_message}` : s.status_message}
            {s.row_count > 0 && ' Questions are answered from the previous data.'}
          </Alert>
        </div>
      )}
      {s.status !== 'error' && s.status_message && <div className="mb-4"><Alert kind="info">{s.status_message}</Alert></div>}
      {deleteError && <div className="mb-4"><Alert>{deleteError}</Alert></div>}
      <Tabs id="ds" tabs={TABS} value={tab} onChange={setTab} />
      <div role="tabpanel" id={`ds-panel-${tab}`} aria-labelledby={`ds-tab-${tab}`}>
        {tab === 'preview' && <PreviewTab key={snapshot} id={s.id} />}
        {tab === 'profile' && <ProfileTab key={snapshot} id={s.id} />}
        {tab === 'insights' && <InsightsTab key={snapshot} id={s.id} />}
        {tab === 'columns' && <ColumnsEditor key={snapshot} source={s} onSaved={(d) => ds.setData(d)} />}
      </div>
      <ConfirmDialog
        open={confirm}
        title={`Delete “${s.name}”?`}
        confirmLabel="Delete data source"
        danger
        busy={deleting}
        onConfirm={onDelete}
        onCancel={() => setConfirm(false)}
      >
        The data and its stored file are removed. Queries asked of it stay in your history without their source. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
