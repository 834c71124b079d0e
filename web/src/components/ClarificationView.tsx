import { HelpCircle, Sparkles } from 'lucide-react';

/**
 * The engine was not sure: show its message and the questions it can answer
 * instead, and, when a language model is configured, offer to ask it.
 */
export function ClarificationView({ message, suggestions, onPick, onAskAi, busy }: { message: string; suggestions: string[]; onPick: (q: string) => void; onAskAi?: () => void; busy?: boolean }) {
  return (
    <div className="card border-amber-200 bg-amber-50" role="status">
      <div className="flex items-start gap-2">
        <HelpCircle className="mt-0.5 shrink-0 text-amber-600" size={20} aria-hidden />
        <div className="min-w-0">
          <p className="font-medium text-amber-900">{message}</p>
          {suggestions.length > 0 && (
            <>
              <p className="mt-2 text-sm text-amber-800">Did you mean:</p>
              <ul className="mt-2 flex flex-wrap gap-2">
                {suggestions.map((s) => (
                  <li key={s}>
                    <button type="button" className="rounded-full border border-amber-300 bg-white px-3 py-1 text-left text-sm text-amber-900 hover:bg-amber-100" onClick={() => onPick(s)}>
                      {s}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {onAskAi && (
            <button type="button" className="btn-secondary btn-sm mt-3" onClick={onAskAi} disabled={busy}>
              <Sparkles size={14} aria-hidden /> {busy ? 'Asking the AI…' : 'Ask the AI'}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
