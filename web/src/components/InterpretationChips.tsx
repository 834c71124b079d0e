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

type Measure = Interpretation['measures'][number];
type Dimension = Interpretation['dimensions'][number];
type Filter = Interpretation['filters'][number];

const measureText = (m: Measure) => (m.column ? `${m.aggregation}(${m.column})` : 'count of rows');
const dimensionText = (d: Dimension) => (d.grain ? `${d.column} (${d.grain})` : d.column);
const filterText = (f: Filter) => `${f.column} ${f.op} ${f.values.map(String).join(', ')}`.trim();

export function interpretationChips(i: Interpretation): Chip[] {
  const chips: Chip[] = [];
  for (const m of i.measures) chips.push({ kind: 'measure', text: measureText(m) });
  for (const d of i.dimensions) chips.push({ kind: 'group', text: `by ${dimensionText(d)}` });
  for (const f of i.filters) chips.push({ kind: 'filter', text: filterText(f) });
  if (i.date_range) {
    const { phrase, start, end } = i.date_range;
    const span = start || end ? `${start || '…'} → ${end || '…'}` : '';
    chips.push({ kind: 'dates', text: [phrase, span && `(${span})`].filter(Boolean).join(' ') });
  }
  if (i.grain) chips.push({ kind: 'grain', text: `per ${i.grain}` });
  if (i.order?.by) chips.push({ kind: 'order', text: `sorted by ${i.order.by}, ${i.order.descending ? 'highest' : 'lowest'} first` });
  if (i.limit) chips.push({ kind: 'limit', text: `top ${i.limit}` });
  if (i.ignored_words.length) chips.push({ kind: 'limit', text: `ignored: ${i.ignored_words.join(', ')}` });
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
