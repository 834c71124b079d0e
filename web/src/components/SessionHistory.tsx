import { Clock, Code2, MessageSquareText } from 'lucide-react';
import { useSessionHistory, type HistoryEntry } from '../store/history';

export function SessionHistory({ onOpen, dataSourceNames }: { onOpen: (e: HistoryEntry) => void; dataSourceNames: Record<string, string> }) {
  const entries = useSessionHistory((s) => s.entries);
  const clear = useSessionHistory((s) => s.clear);
  return (
    <section aria-labelledby="session-history" className="card">
      <div className="mb-2 flex items-center justify-between">
        <h2 id="session-history" className="flex items-center gap-1.5 text-sm font-semibold">
          <Clock size={16} aria-hidden /> This session
        </h2>
        {entries.length > 0 && (
          <button type="button" className="btn-ghost btn-sm" onClick={clear}>
            Clear
          </button>
        )}
      </div>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500">Questions you ask appear here.</p>
      ) : (
        <ul className="max-h-96 space-y-1 overflow-auto">
          {entries.map((e) => (
            <li key={e.key}>
              <button type="button" className="flex w-full items-start gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-100" onClick={() => onOpen(e)}>
                {e.kind === 'sql' ? <Code2 size={14} className="mt-0.5 shrink-0 text-slate-400" aria-hidden /> : <MessageSquareText size={14} className="mt-0.5 shrink-0 text-slate-400" aria-hidden />}
                <span className="min-w-0 flex-1">
                  <span className="line-clamp-2 break-words">{e.question}</span>
                  <span className="block text-xs text-slate-500">
                    {dataSourceNames[e.dataSourceId] ?? 'data source'} · {e.status === 'answered' ? 'answered' : e.status === 'clarification' ? 'needs clarification' : 'failed'}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
