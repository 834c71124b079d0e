import { Database, FileText, Globe, Loader2, Sheet, type LucideIcon } from 'lucide-react';

const STATUS: Record<string, string> = {
  connected: 'bg-green-100 text-green-800',
  syncing: 'bg-sky-100 text-sky-800',
  error: 'bg-red-100 text-red-800',
  disconnected: 'bg-slate-200 text-slate-700',
};

const TYPE_LABEL: Record<string, string> = { csv: 'File', google_sheets: 'Google Sheets', api: 'REST API', database: 'Database' };
const TYPE_ICON: Record<string, LucideIcon> = { csv: FileText, google_sheets: Sheet, api: Globe, database: Database };

/** The source's status; `syncing` turns a spinner while a sync runs. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="status-badge"
      data-status={status}
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${STATUS[status] ?? STATUS.disconnected}`}
    >
      {status === 'syncing' && <Loader2 size={12} className="animate-spin" aria-hidden />}
      {status}
    </span>
  );
}

/** Where the rows come from: an uploaded file, a REST API, a database or a Google Sheet. */
export function TypeBadge({ type }: { type: string }) {
  const Icon = TYPE_ICON[type];
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700" data-source-type={type}>
      {Icon && <Icon size={12} aria-hidden />}
      {TYPE_LABEL[type] ?? type}
    </span>
  );
}
