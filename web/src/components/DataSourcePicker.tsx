import { useId } from 'react';
import type { DataSource } from '../api/types';
import { formatCount } from '../lib/format';

export function DataSourcePicker({
  sources,
  value,
  onChange,
  label = 'Data source',
}: {
  sources: DataSource[];
  value: string;
  onChange: (id: string) => void;
  label?: string;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
        {!value && <option value="">Choose a data source…</option>}
        {sources.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({formatCount(s.row_count)} rows)
          </option>
        ))}
      </select>
    </div>
  );
}
