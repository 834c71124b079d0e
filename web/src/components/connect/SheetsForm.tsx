import { connectSheets } from '../../api/connections';
import { Field } from '../Field';
import { buildSheets, sheetsBody, type SheetsState } from './build';
import { ConnectActions, type FormProps } from './ConnectActions';
import { DetailsFields } from './DetailsFields';

/** Connect a Google Sheet shared with "Anyone with the link can view". */
export function SheetsForm({ s, setS, details, setDetails, onConnected }: FormProps<SheetsState>) {
  const { settings, errors } = buildSheets(s);

  return (
    <form className="space-y-4" aria-label="Connect a Google Sheet" onSubmit={(e) => e.preventDefault()} noValidate>
      <Field
        label="Google Sheet link"
        type="url"
        placeholder="https://docs.google.com/spreadsheets/d/…/edit"
        value={s.url}
        onChange={(e) => setS({ ...s, url: e.target.value })}
        error={errors.url}
        hint="In Google Sheets: Share → General access → “Anyone with the link” (Viewer), then copy the link."
        autoComplete="off"
        required
      />
      <Field
        label="Tab"
        placeholder="Sheet1"
        value={s.sheet}
        onChange={(e) => setS({ ...s, sheet: e.target.value })}
        hint="Optional: the tab's name. Default: the tab in the link, else the first."
        autoComplete="off"
      />
      <DetailsFields value={details} onChange={setDetails} nameHint="Optional: taken from the sheet." />
      <ConnectActions
        connection={settings && { kind: 'google_sheets', ...settings }}
        save={() => connectSheets(sheetsBody(details, settings!))}
        onConnected={onConnected}
      />
    </form>
  );
}
