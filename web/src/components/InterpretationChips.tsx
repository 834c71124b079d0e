import type { Interpretation } from '../api/types';

type Chip = { kind: string; text: string };

const KIND_STYLE: Record<string, string> = {
  measure: 'bg-brand-50 text-brand-800 border-brand-200',
  group: 'bg-amber-50 text-amber-800 border-amber-200',
  filter: 'bg-rose-50 text-rose-800 border-rose-200',
  dates: 'bg-emerald-50 text-emerald-800 border-emerald-200',
  grain: 'bg-sky-50 text-sky-800 border-sky-200',
  order: 'bg-violet-50 text-violet-800 border-violet-200',
  limit: 'bg-slate-100 text-slate-700 border-slate-200',
};

/** Turn whatever shape a piece of the interpretation has into readable text. */
export function describe(x: unknown): string {
  if (x === null || x === undefined) return '';
  if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (Array.isArray(x)) return x.map(describe).filter(Boolean).join(', ');
  if (typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (typeof o.text === 'string') return o.text;
    if (typeof o.description === 'string') return o.description;
    if (typeof o.label === 'string') return o.label;
    const col = o.column ?? o.field ?? o.name ?? o.key;
    const op = o.op ?? o.operator;
    const val = o.value ?? o.values;
    if (col !== undefined && op !== undefined) return `${describe(col)} ${describe(op)} ${describe(val)}`.trim();
    const agg = o.aggregation ?? o.agg ?? o.aggregate ?? o.function ?? o.func;
    if (agg !== undefined && agg !== null && col !== undefined) return `${describe(agg)}(${describe(col ?? '*')})`;
    if (col !== undefined && o.grain) return `${describe(col)} (${describe(o.grain)})`;
    if (col !== undefined) return describe(col);
    if (o.by !== undefined || o.direction !== undefined) return `${describe(o.by ?? '')} ${describe(o.direction ?? '')}`.trim();
    return Object.entries(o)
      .map(([k, v]) => `${k}: ${describe(v)}`)
      .join(', ');
  }
  return String(x);
}

export function interpretationChips(i: Interpretation): Chip[] {
  const chips: Chip[] = [];
  const list = (v: unknown) => (Array.isArray(v) ? v : v ? [v] : []);
  for (const m of list(i.measures)) chips.push({ kind: 'measure', text: describe(m) });
  for (const d of list(i.dimensions)) chips.push({ kind: 'group', text: `by ${describe(d)}` });
  for (const f of list(i.filters)) chips.push({ kind: 'filter', text: describe(f) });
  if (i.date_range) {
    const { phrase, start, end } = i.date_range;
    const span = start || end ? `${start ?? '…'} → ${end ?? '…'}` : '';
    chips.push({ kind: 'dates', text: [phrase, span && `(${span})`].filter(Boolean).join(' ') });
  }
  if (i.grain) chips.push({ kind: 'grain', text: `per ${i.grain}` });
  if (i.order) chips.push({ kind: 'order', text: `sorted ${describe(i.order)}` });
  if (i.limit) chips.push({ kind: 'limit', text: `top ${i.limit}` });
  const ignored = (i as { ignored_words?: unknown }).ignored_words;
  if (Array.isArray(ignored) && ignored.length) chips.push({ kind: 'limit', text: `ignored: ${ignored.map(describe).join(', ')}` });
  return chips.filter((c) => c.text.trim() !== '');
}

export function InterpretationChips({ interpretation, engine, confidence }: { interpretation: Interpretation; engine?: string | null; confidence?: number | null }) {
  const chips = interpretationChips(interpretation);
  return (
    <div>
      <p className="text-sm text-slate-700">
        <span className="font-medium">How we read it: </span>
        {interpretation.summary}
      </p>
      {(chips.length > 0 || engine) && (
        <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Interpretation">
          {chips.map((c, i) => (
            <li key={i} className={`rounded-full border px-2.5 py-0.5 text-xs ${KIND_STYLE[c.kind] ?? KIND_STYLE.limit}`}>
              <span className="sr-only">{c.kind}: </span>
              {c.text}
            </li>
          ))}
          {engine && (
            <li className="rounded-full border border-slate-200 bg-white px-2.5 py-0.5 text-xs text-slate-600">
              engine: {engine}
              {typeof confidence === 'number' && ` · confidence ${Math.round(confidence * (confidence <= 1 ? 100 : 1))}%`}
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
