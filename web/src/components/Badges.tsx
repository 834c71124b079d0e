const STATUS: Record<string, string> = {
  connected: 'bg-green-100 text-green-800',
  syncing: 'bg-sky-100 text-sky-800',
  error: 'bg-red-100 text-red-800',
  disconnected: 'bg-slate-200 text-slate-700',
};

const TYPE_LABEL: Record<string, string> = { csv: 'File', google_sheets: 'Google Sheets', api: 'REST API', database: 'Database' };

export function StatusBadge({ status }: { status: string }) {
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${STATUS[status] ?? STATUS.disconnected}`}>{status}</span>;
}

export function TypeBadge({ type }: { type: string }) {
  return <span className="inline-block rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">{TYPE_LABEL[type] ?? type}</span>;
}
