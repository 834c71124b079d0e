import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { updateDataSource } from '../../api/dataSources';
import type { DataSource } from '../../api/types';

/**
 * Whether questions sent to the language model may include a few distinct
 * values of low-cardinality columns (city names, categories). Off by default:
 * without it the model sees column names, types and statistics only.
 */
export function AiSharingToggle({ source, onSaved }: { source: DataSource; onSaved: (ds: DataSource) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Shown at once; put back if the server refuses.
  const [checked, setChecked] = useState(source.share_sample_values);
  return (
    <div className="text-sm">
      <label className="inline-flex items-center gap-2">
        <input
          type="checkbox"
          checked={checked}
          disabled={busy}
          onChange={async (e) => {
            const wanted = e.target.checked;
            setChecked(wanted);
            setBusy(true);
            setError(null);
            try {
              const saved = await updateDataSource(source.id, { share_sample_values: wanted });
              setChecked(saved.share_sample_values);
              onSaved(saved);
            } catch (err) {
              setChecked(!wanted);
              setError(errorMessage(err));
            } finally {
              setBusy(false);
            }
          }}
        />
        Share sample values with the AI
      </label>
      <p className="text-xs text-slate-500">
        {checked
          ? 'Questions sent to the language model include a few distinct values of columns with few values.'
          : 'The language model sees column names, types and statistics only, never values.'}
      </p>
      {error && <p role="alert" className="text-xs text-red-700">{error}</p>}
    </div>
  );
}
