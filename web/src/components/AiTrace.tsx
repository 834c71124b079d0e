import type { LlmTrace } from '../api/types';

/** How the language model answered: its one-line explanation, the model, attempts, tokens and assumptions. */
export function AiTrace({ trace }: { trace: LlmTrace }) {
  const tokens = trace.prompt_tokens + trace.completion_tokens;
  const chips = [
    `engine: AI · ${trace.model}`,
    trace.attempts === 0 ? 'reused the earlier answer (no tokens)' : `${trace.attempts} ${trace.attempts === 1 ? 'attempt' : 'attempts'}`,
    tokens > 0 ? `${tokens.toLocaleString()} tokens (${trace.prompt_tokens.toLocaleString()} in, ${trace.completion_tokens.toLocaleString()} out)` : '',
  ].filter(Boolean);
  return (
    <div>
      <p className="text-sm text-slate-700">
        <span className="font-medium">How the AI read it: </span>
        {trace.explanation || 'The AI wrote the SQL below.'}
      </p>
      <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Interpretation">
        {chips.map((c) => (
          <li key={c} className="rounded-full border border-violet-200 bg-violet-50 px-2.5 py-0.5 text-xs text-violet-800">
            {c}
          </li>
        ))}
        {trace.assumptions.map((a) => (
          <li key={a} className="rounded-full border border-amber-200 bg-amber-50 px-2.5 py-0.5 text-xs text-amber-800">
            <span className="sr-only">assumption: </span>assumed {a}
          </li>
        ))}
      </ul>
    </div>
  );
}
