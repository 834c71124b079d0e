import type { DetailsState } from './build';
import { SYNC_SCHEDULES } from '../datasource/Sync';
import { Field, SelectField } from '../Field';

/** Name, description and sync schedule: what every connect form asks besides the connection. */
export function DetailsFields({ value, onChange, nameHint }: { value: DetailsState; onChange: (d: DetailsState) => void; nameHint: string }) {
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
      <Field label="Name" value={value.name} onChange={(e) => onChange({ ...value, name: e.target.value })} hint={nameHint} autoComplete="off" />
      <Field label="Description" value={value.description} onChange={(e) => onChange({ ...value, description: e.target.value })} hint="Optional." autoComplete="off" />
      <SelectField
        label="Sync schedule"
        value={String(value.syncMinutes)}
        onChange={(e) => onChange({ ...value, syncMinutes: Number(e.target.value) })}
        options={SYNC_SCHEDULES.map((s) => ({ value: String(s.minutes), label: s.label }))}
        hint="You can also sync by hand at any time."
      />
    </div>
  );
}
