import { useId } from 'react';
import { connectDatabase } from '../../api/connections';
import type { DbEngine, TlsMode } from '../../api/types';
import { Field, SelectField, TextAreaField } from '../Field';
import { buildDatabase, databaseBody, defaultPort, type DatabaseState } from './build';
import { ConnectActions, type FormProps } from './ConnectActions';
import { DetailsFields } from './DetailsFields';

const TLS: { value: TlsMode; label: string }[] = [
  { value: 'prefer', label: 'Prefer (TLS when the server offers it)' },
  { value: 'require', label: 'Require' },
  { value: 'verify_full', label: 'Require and verify the certificate' },
  { value: 'disable', label: 'Disable' },
];

/** Connect a PostgreSQL or MySQL table, or one read-only SELECT. */
export function DatabaseForm({ s, setS, details, setDetails, onConnected }: FormProps<DatabaseState>) {
  const { settings, errors } = buildDatabase(s);
  const readName = useId();
  const set = <K extends keyof DatabaseState>(k: K, v: DatabaseState[K]) => setS((p) => ({ ...p, [k]: v }));
  const text = (k: keyof DatabaseState) => ({
    value: s[k] as string,
    onChange: (e: { target: { value: string } }) => set(k, e.target.value as never),
    error: errors[k],
    autoComplete: 'off',
  });

  return (
    <form className="space-y-4" aria-label="Connect a database" onSubmit={(e) => e.preventDefault()} noValidate>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[12rem_1fr_7rem]">
        <SelectField
          label="Engine"
          value={s.engine}
          onChange={(e) => set('engine', e.target.value as DbEngine)}
          options={[
            { value: 'postgres', label: 'PostgreSQL' },
            { value: 'mysql', label: 'MySQL / MariaDB' },
          ]}
        />
        <Field label="Host" placeholder="db.example.com" {...text('host')} required />
        <Field label="Port" placeholder={String(defaultPort(s.engine))} inputMode="numeric" {...text('port')} />
      </div>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Field label="Database name" placeholder="analytics" {...text('database')} required />
        <Field label="User" placeholder="readonly" {...text('user')} required hint="A user that may only read is best." />
        <Field label="Password" type="password" {...text('password')} autoComplete="new-password" />
      </div>
      <SelectField label="TLS" value={s.tlsMode} onChange={(e) => set('tlsMode', e.target.value as TlsMode)} options={TLS} className="sm:w-1/2" />
      <fieldset>
        <legend className="label">Read</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" name={readName} value="table" checked={s.read === 'table'} onChange={() => set('read', 'table')} /> A whole table
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" name={readName} value="query" checked={s.read === 'query'} onChange={() => set('read', 'query')} /> A SQL query
          </label>
        </div>
      </fieldset>
      {s.read === 'table' ? (
        <Field label="Table" placeholder="public.orders" {...text('table')} hint="A table or view, as name or schema.name." required />
      ) : (
        <TextAreaField label="SQL query" placeholder="SELECT region, amount FROM orders WHERE amount > 0" {...text('query')} hint="One read-only SELECT; it runs in a read-only transaction." required />
      )}
      <DetailsFields value={details} onChange={setDetails} nameHint="Optional: taken from the table." />
      <ConnectActions
        connection={settings && { kind: 'database', ...settings }}
        save={() => connectDatabase(databaseBody(details, settings!))}
        onConnected={onConnected}
      />
    </form>
  );
}
