import { Search, Sparkles } from 'lucide-react';
import { useEffect, useId, useState } from 'react';

/** The question input, with suggested questions as one-click chips. */
export function QuestionBox({
  initial = '',
  suggestions = [],
  busy = false,
  disabled = false,
  onAsk,
}: {
  initial?: string;
  suggestions?: string[];
  busy?: boolean;
  disabled?: boolean;
  onAsk: (q: string) => void;
}) {
  const [q, setQ] = useState(initial);
  const id = useId();
  useEffect(() => setQ(initial), [initial]);

  return (
    <div>
      <form
        className="flex flex-col gap-2 sm:flex-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (q.trim()) onAsk(q.trim());
        }}
      >
        <label htmlFor={id} className="sr-only">
          Your question
        </label>
        <div className="relative flex-1">
          <Search size={18} className="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-slate-400" aria-hidden />
          <input
            id={id}
            className="input py-2.5 pl-10 text-base"
            placeholder="Ask a question, e.g. total sales by city"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            disabled={disabled}
            autoComplete="off"
          />
        </div>
        <button type="submit" className="btn-primary py-2.5" disabled={busy || disabled || !q.trim()}>
          {busy ? 'Thinking…' : 'Ask'}
        </button>
      </form>
      {suggestions.length > 0 && (
        <div className="mt-3">
          <div className="mb-1.5 flex items-center gap-1 text-xs font-medium text-slate-500">
            <Sparkles size={14} aria-hidden /> Suggested questions
          </div>
          <ul className="flex flex-wrap gap-2">
            {suggestions.slice(0, 8).map((s) => (
              <li key={s}>
                <button
                  type="button"
                  className="rounded-full border border-slate-300 bg-white px-3 py-1 text-left text-xs text-slate-700 hover:border-brand-400 hover:bg-brand-50"
                  onClick={() => {
                    setQ(s);
                    onAsk(s);
                  }}
                  disabled={busy || disabled}
                >
                  {s}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
