import { CheckCircle2, Plug, Save } from 'lucide-react';
import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { errorMessage } from '../../api/client';
import { testConnection, type ConnectionTest } from '../../api/connections';
import type { Connection, DataSource } from '../../api/types';
import { formatCount } from '../../lib/format';
import { Alert } from '../Alert';
import { ResultTable } from '../ResultTable';
import type { DetailsState } from './build';

/** What a connect form is given: its state (kept by the panel across tab switches) and where to report a saved source. */
export interface FormProps<S> {
  s: S;
  setS: Dispatch<SetStateAction<S>>;
  details: DetailsState;
  setDetails: Dispatch<SetStateAction<DetailsState>>;
  onConnected: (ds: DataSource) => void;
}

/**
 * "Test connection" (the first rows, nothing saved) and "Save" for a connect form.
 * `connection` is null while the form is incomplete or invalid: both buttons wait.
 */
export function ConnectActions({
  connection,
  save,
  onConnected,
}: {
  connection: Connection | null;
  save: () => Promise<DataSource>;
  onConnected: (ds: DataSource) => void;
}) {
  const [testing, setTesting] = useState(false);
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<ConnectionTest | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(connection);

  // A preview belongs to the settings it was read with.
  useEffect(() => {
    setPreview(null);
    setError(null);
  }, [key]);

  async function test() {
    if (!connection) return;
    setTesting(true);
    setError(null);
    setPreview(null);
    try {
      setPreview(await testConnection(connection));
    } catch (e) {
      setError(errorMessage(e, 'The connection could not be tested.'));
    } finally {
      setTesting(false);
    }
  }

  async function onSave() {
    setSaving(true);
    setError(null);
    try {
      onConnected(await save());
    } catch (e) {
      setError(errorMessage(e, 'The source could not be saved.'));
    } finally {
      setSaving(false);
    }
  }

  const busy = testing || saving;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <button type="button" className="btn-secondary" disabled={!connection || busy} onClick={test}>
          <Plug size={16} aria-hidden /> {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="btn-primary" disabled={!connection || busy} onClick={onSave}>
          <Save size={16} aria-hidden /> {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
      {!connection && <p className="text-xs text-slate-500">Fill in the required fields to test and save the connection.</p>}
      {saving && <p role="status" className="text-sm text-slate-600">Reading every row… this can take a moment.</p>}
      {error && <Alert>{error}</Alert>}
      {preview && (
        <div className="space-y-2">
          <p role="status" className="flex items-center gap-1.5 text-sm text-green-800">
            <CheckCircle2 size={16} aria-hidden />
            The connection works: the first {formatCount(preview.row_count)} row{preview.row_count === 1 ? '' : 's'}, {preview.columns.length} column
            {preview.columns.length === 1 ? '' : 's'}.
          </p>
          <ResultTable columns={preview.columns} rows={preview.rows} caption="Connection preview" maxHeight={320} />
        </div>
      )}
    </div>
  );
}
