import type { ChartType } from '../api/types';
import { CHART_LABELS } from '../lib/chart';

export function ChartTypeSwitcher({ types, value, onChange }: { types: ChartType[]; value: ChartType; onChange: (t: ChartType) => void }) {
  return (
    <div role="radiogroup" aria-label="Chart type" className="flex flex-wrap gap-1">
      {types.map((t) => (
        <button
          key={t}
          type="button"
          role="radio"
          aria-checked={t === value}
          className={`rounded-md border px-2.5 py-1 text-xs font-medium ${
            t === value ? 'border-brand-600 bg-brand-600 text-white' : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
          }`}
          onClick={() => onChange(t)}
        >
          {CHART_LABELS[t]}
        </button>
      ))}
    </div>
  );
}
