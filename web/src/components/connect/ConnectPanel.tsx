import { Plug, X } from 'lucide-react';
import { useState } from 'react';
import type { DataSource } from '../../api/types';
import { Tabs } from '../Tabs';
import { ApiForm } from './ApiForm';
import { emptyApi, emptyDatabase, emptyDetails, emptySheets, type ApiState, type DatabaseState, type DetailsState, type SheetsState } from './build';
import { DatabaseForm } from './DatabaseForm';
import { SheetsForm } from './SheetsForm';

type Kind = 'api' | 'database' | 'google_sheets';
const KINDS: { id: Kind; label: string }[] = [
  { id: 'api', label: 'REST API' },
  { id: 'database', label: 'Database' },
  { id: 'google_sheets', label: 'Google Sheet' },
];

/**
 * "Connect a source": a REST API, a database or a Google Sheet, each tried with
 * "Test connection" before it is saved. Only the chosen form is shown; what was
 * typed in the others is kept here until the panel is closed.
 */
export function ConnectPanel({ onConnected }: { onConnected: (ds: DataSource) => void }) {
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<Kind>('api');
  const [apiState, setApi] = useState<ApiState>(emptyApi);
  const [dbState, setDb] = useState<DatabaseState>(emptyDatabase);
  const [sheetsState, setSheets] = useState<SheetsState>(emptySheets);
  const [apiDetails, setApiDetails] = useState<DetailsState>(emptyDetails);
  const [dbDetails, setDbDetails] = useState<DetailsState>(emptyDetails);
  const [sheetsDetails, setSheetsDetails] = useState<DetailsState>(emptyDetails);
  function reset() {
    setApi(emptyApi());
    setDb(emptyDatabase());
    setSheets(emptySheets());
    setApiDetails(emptyDetails());
    setDbDetails(emptyDetails());
    setSheetsDetails(emptyDetails());
  }
  const connected = (ds: DataSource) => {
    setOpen(false);
    reset();
    onConnected(ds);
  };
  return (
    <section aria-labelledby="connect-title" className="card">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <h2 id="connect-title" className="font-semibold">
            Connect a source
          </h2>
          <p className="mt-1 text-sm text-slate-600">Read rows from a REST API, a PostgreSQL or MySQL database, or a Google Sheet, and sync them when they change.</p>
        </div>
        <button type="button" className={open ? 'btn-ghost shrink-0' : 'btn-secondary shrink-0'} aria-expanded={open} aria-controls="connect-forms" onClick={() => {
            if (open) reset();
            setOpen(!open);
          }}>
          {open ? (
            <>
              <X size={16} aria-hidden /> Close
            </>
          ) : (
            <>
              <Plug size={16} aria-hidden /> Connect…
            </>
          )}
        </button>
      </div>
      {open && (
        <div id="connect-forms" className="mt-4">
          <Tabs id="connect" tabs={KINDS} value={kind} onChange={setKind} />
          <div role="tabpanel" id={`connect-panel-${kind}`} aria-labelledby={`connect-tab-${kind}`}>
            {kind === 'api' && <ApiForm s={apiState} setS={setApi} details={apiDetails} setDetails={setApiDetails} onConnected={connected} />}
            {kind === 'database' && <DatabaseForm s={dbState} setS={setDb} details={dbDetails} setDetails={setDbDetails} onConnected={connected} />}
            {kind === 'google_sheets' && <SheetsForm s={sheetsState} setS={setSheets} details={sheetsDetails} setDetails={setSheetsDetails} onConnected={connected} />}
          </div>
        </div>
      )}
    </section>
  );
}
