import { ChevronDown, ChevronRight, Pencil, Play } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { CopyButton } from './CopyButton';

/** The SQL behind an answer: collapsible, copyable, editable and re-runnable. */
export function SqlPanel({
  sql,
  onRun,
  running = false,
  defaultOpen = false,
}: {
  sql: string;
  onRun?: (sql: string) => void;
  running?: boolean;
  defaultOpen?: boolean;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(sql);
  const regionId = useId();
  const editorId = useId();

  useEffect(() => {
    setDraft(sql);
    setEditing(false);
  }, [sql]);

  return (
    <section className="rounded-lg border border-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
        <button type="button" className="btn-ghost btn-sm -ml-1" aria-expanded={open} aria-controls={regionId} onClick={() => setOpen((o) => !o)}>
          {open ? <ChevronDown size={16} aria-hidden /> : <ChevronRight size={16} aria-hidden />}
          SQL
        </button>
        <div className="flex gap-2">
          <CopyButton text={editing ? draft : sql} label="Copy SQL" />
          {onRun && (
            <button
              type="button"
              className="btn-secondary btn-sm"
              onClick={() => {
                setOpen(true);
                setEditing((e) => !e);
              }}
              aria-pressed={editing}
            >
              <Pencil size={14} aria-hidden /> {editing ? 'Stop editing' : 'Edit'}
            </button>
          )}
        </div>
      </div>
      {open && (
        <div id={regionId} className="border-t border-slate-200 p-3">
          {editing ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (draft.trim()) onRun?.(draft);
              }}
            >
              <label htmlFor={editorId} className="label">
                Edit the SQL and run it
              </label>
              <textarea
                id={editorId}
                className="input min-h-[140px] font-mono text-xs"
                value={draft}
                spellCheck={false}
                onChange={(e) => setDraft(e.target.value)}
                onKeyDown={(e) => {
                  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && draft.trim()) onRun?.(draft);
                }}
              />
              <div className="mt-2 flex items-center gap-2">
                <button type="submit" className="btn-primary btn-sm" disabled={running || !draft.trim()}>
                  <Play size={14} aria-hidden /> {running ? 'Running…' : 'Run SQL'}
                </button>
                <span className="text-xs text-slate-500">Ctrl+Enter runs it. Only read-only SELECT queries are allowed.</span>
              </div>
            </form>
          ) : (
            <pre className="overflow-x-auto whitespace-pre-wrap break-words rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">
              <code>{sql}</code>
            </pre>
          )}
        </div>
      )}
    </section>
  );
}
