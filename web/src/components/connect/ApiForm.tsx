import { connectApi } from '../../api/connections';
import { Field, SelectField, TextAreaField } from '../Field';
import { apiBody, buildApi, type ApiState, type AuthType, type PaginationType } from './build';
import { ConnectActions, type FormProps } from './ConnectActions';
import { DetailsFields } from './DetailsFields';

const AUTH: { value: AuthType; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'api_key', label: 'API key' },
  { value: 'basic', label: 'Basic (username and password)' },
];

const PAGINATION: { value: PaginationType; label: string }[] = [
  { value: 'none', label: 'None (one request)' },
  { value: 'page_number', label: 'Page number (?page=1, 2, …)' },
  { value: 'offset_limit', label: 'Offset and limit (?offset=0&limit=100)' },
  { value: 'cursor', label: 'Cursor from the response' },
  { value: 'next_url', label: 'Next-page URL in the response' },
  { value: 'link_header', label: 'Link header (rel="next")' },
];

/** Connect a JSON API: URL, auth, where the records are, and (advanced) headers, pagination and limits. */
export function ApiForm({ s, setS, details, setDetails, onConnected }: FormProps<ApiState>) {
  const { settings, errors } = buildApi(s);
  const set = <K extends keyof ApiState>(k: K, v: ApiState[K]) => setS((p) => ({ ...p, [k]: v }));
  const text = (k: keyof ApiState) => ({
    value: s[k] as string,
    onChange: (e: { target: { value: string } }) => set(k, e.target.value as never),
    error: errors[k],
    autoComplete: 'off',
  });
  const advancedErrors = Object.keys(errors).some((k) => ADVANCED.has(k));

  return (
    <form
      className="space-y-4"
      aria-label="Connect a REST API"
      onSubmit={(e) => e.preventDefault()}
      noValidate
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[1fr_8rem]">
        <Field label="URL" type="url" placeholder="https://api.example.com/v1/orders" {...text('url')} hint="The first page of JSON records." required />
        <SelectField label="Method" value={s.method} onChange={(e) => set('method', e.target.value as ApiState['method'])} options={[{ value: 'GET', label: 'GET' }, { value: 'POST', label: 'POST' }]} />
      </div>
      <Field
        label="Records path"
        placeholder="$.data[*]"
        {...text('recordsPath')}
        hint="JSONPath of the records in each response. Leave empty when the response is the array of records (or holds only one)."
      />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <SelectField label="Authentication" value={s.authType} onChange={(e) => set('authType', e.target.value as AuthType)} options={AUTH} />
        {s.authType === 'bearer' && <Field label="Token" type="password" {...text('token')} autoComplete="new-password" required />}
        {s.authType === 'basic' && <Field label="Username" {...text('username')} required />}
        {s.authType === 'basic' && <Field label="Password" type="password" {...text('password')} autoComplete="new-password" />}
        {s.authType === 'api_key' && <Field label="Key name" placeholder="X-API-Key" {...text('keyName')} hint="Default: X-API-Key." />}
        {s.authType === 'api_key' && <Field label="Key value" type="password" {...text('keyValue')} autoComplete="new-password" required />}
        {s.authType === 'api_key' && (
          <SelectField
            label="Send the key in"
            value={s.keyLocation}
            onChange={(e) => set('keyLocation', e.target.value as ApiState['keyLocation'])}
            options={[
              { value: 'header', label: 'A header' },
              { value: 'query', label: 'A query parameter' },
            ]}
          />
        )}
      </div>

      <details className="rounded-lg border border-slate-200 px-3 py-2">
        <summary className="cursor-pointer text-sm font-medium text-slate-700">
          Advanced: headers, pagination, limits
          {advancedErrors && <span className="ml-2 font-normal text-red-700">(a setting needs fixing)</span>}
        </summary>
        <div className="mt-3 space-y-3">
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <TextAreaField label="Headers" placeholder={'Accept: application/json\nX-Tenant: acme'} {...text('headers')} hint="One a line, as Name: value." />
            <TextAreaField label="Query parameters" placeholder={'status=shipped\nsort=id'} {...text('query')} hint="One a line, as name=value." />
          </div>
          {s.method === 'POST' && <TextAreaField label="Request body (JSON)" placeholder='{"filter": {"status": "open"}}' {...text('body')} />}
          <SelectField label="Pagination" value={s.paginationType} onChange={(e) => set('paginationType', e.target.value as PaginationType)} options={PAGINATION} />
          {s.paginationType === 'page_number' && (
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              <Field label="Page parameter" placeholder="page" {...text('pageParam')} />
              <Field label="First page" placeholder="1" inputMode="numeric" {...text('pageStart')} />
              <Field label="Page size parameter" placeholder="per_page" {...text('sizeParam')} />
              <Field label="Page size" placeholder="100" inputMode="numeric" {...text('pageSize')} />
            </div>
          )}
          {s.paginationType === 'offset_limit' && (
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
              <Field label="Offset parameter" placeholder="offset" {...text('offsetParam')} />
              <Field label="Limit parameter" placeholder="limit" {...text('limitParam')} />
              <Field label="Page size" placeholder="100" inputMode="numeric" {...text('limit')} />
            </div>
          )}
          {s.paginationType === 'cursor' && (
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
              <Field label="Cursor path" placeholder="$.next_cursor" {...text('cursorPath')} hint="JSONPath of the next cursor in a response." required />
              <Field label="Cursor parameter" placeholder="cursor" {...text('cursorParam')} hint="Sent with the cursor on the next request." />
            </div>
          )}
          {s.paginationType === 'next_url' && (
            <Field label="Next URL path" placeholder="$.next" {...text('nextPath')} hint="JSONPath of the next page's URL in a response." required />
          )}
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <Field label="Max pages" placeholder="100" inputMode="numeric" {...text('maxPages')} hint="At most 1,000." />
            <Field label="Max records" placeholder="100000" inputMode="numeric" {...text('maxRecords')} hint="At most 1,000,000." />
          </div>
        </div>
      </details>

      <DetailsFields value={details} onChange={setDetails} nameHint="Optional: taken from the URL." />
      <ConnectActions
        connection={settings && { kind: 'api', ...settings }}
        save={() => connectApi(apiBody(details, settings!))}
        onConnected={onConnected}
      />
    </form>
  );
}

const ADVANCED = new Set(['headers', 'query', 'body', 'pageStart', 'pageSize', 'limit', 'cursorPath', 'nextPath', 'maxPages', 'maxRecords']);
