// Form state of the three connect forms, and the request bodies built from it. Pure
// functions, so what is sent for a given form is easy to test.
import type {
  ConnectApi,
  ConnectDatabase,
  ConnectSheets,
  DatabaseConfig,
  DbEngine,
  HttpMethod,
  KeyLocation,
  Pagination,
  RestAuth,
  RestConfig,
  SheetLinkConfig,
  TlsMode,
} from '../../api/types';

/** What every connect form asks besides the connection: all optional. */
export interface DetailsState {
  name: string;
  description: string;
  /** 0: sync on request only. */
  syncMinutes: number;
}

export const emptyDetails = (): DetailsState => ({ name: '', description: '', syncMinutes: 0 });

/** A settings object when the form is complete and valid; `errors` for fields written wrongly. */
export interface Built<T> {
  settings: T | null;
  errors: Record<string, string>;
}

export function detailsBody(d: DetailsState): { name?: string; description?: string; sync_interval_minutes?: number } {
  return {
    ...(d.name.trim() ? { name: d.name.trim() } : {}),
    ...(d.description.trim() ? { description: d.description.trim() } : {}),
    ...(d.syncMinutes > 0 ? { sync_interval_minutes: d.syncMinutes } : {}),
  };
}

// ---- REST API ----

export type AuthType = RestAuth['type'];
export type PaginationType = Pagination['type'];

export interface ApiState {
  url: string;
  method: HttpMethod;
  recordsPath: string;
  authType: AuthType;
  token: string;
  keyName: string;
  keyValue: string;
  keyLocation: KeyLocation;
  username: string;
  password: string;
  /** One `Name: value` a line. */
  headers: string;
  /** One `name=value` a line. */
  query: string;
  /** JSON, sent with POST. */
  body: string;
  paginationType: PaginationType;
  pageParam: string;
  pageStart: string;
  sizeParam: string;
  pageSize: string;
  offsetParam: string;
  limitParam: string;
  limit: string;
  cursorPath: string;
  cursorParam: string;
  nextPath: string;
  maxPages: string;
  maxRecords: string;
}

export const emptyApi = (): ApiState => ({
  url: '',
  method: 'GET',
  recordsPath: '',
  authType: 'none',
  token: '',
  keyName: '',
  keyValue: '',
  keyLocation: 'header',
  username: '',
  password: '',
  headers: '',
  query: '',
  body: '',
  paginationType: 'none',
  pageParam: '',
  pageStart: '',
  sizeParam: '',
  pageSize: '',
  offsetParam: '',
  limitParam: '',
  limit: '',
  cursorPath: '',
  cursorParam: '',
  nextPath: '',
  maxPages: '',
  maxRecords: '',
});

/** `Name: value` (headers) or `name=value` (query) lines; null when a line has no separator. */
export function parsePairs(text: string, sep: ':' | '='): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const i = line.indexOf(sep);
    if (i <= 0) return null;
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** A whole number in `min..max` from a text input; undefined when empty, NaN when invalid. */
export function parseCount(text: string, min: number, max: number): number | undefined {
  const t = text.trim().replace(/[,_\s]/g, '');
  if (!t) return undefined;
  if (!/^\d+$/.test(t)) return NaN;
  const n = Number(t);
  return n >= min && n <= max ? n : NaN;
}

export const isHttpUrl = (u: string) => /^https?:\/\/[^\s/?#]+\S*$/i.test(u.trim());

const JSONPATH = /^\$/;

export function buildApi(s: ApiState): Built<RestConfig> {
  const errors: Record<string, string> = {};
  let complete = true;
  const url = s.url.trim();
  if (!url) complete = false;
  else if (!isHttpUrl(url)) errors.url = 'Write the full address, starting with http:// or https://.';

  const records_path = s.recordsPath.trim();
  if (records_path && !JSONPATH.test(records_path)) errors.recordsPath = 'A JSONPath starts with $, e.g. $.data[*].';

  let auth: RestAuth | undefined;
  switch (s.authType) {
    case 'bearer':
      if (!s.token) complete = false;
      auth = { type: 'bearer', token: s.token };
      break;
    case 'api_key':
      if (!s.keyValue) complete = false;
      auth = { type: 'api_key', value: s.keyValue, location: s.keyLocation, ...(s.keyName.trim() ? { name: s.keyName.trim() } : {}) };
      break;
    case 'basic':
      if (!s.username.trim()) complete = false;
      auth = { type: 'basic', username: s.username.trim(), password: s.password };
      break;
    default:
      auth = undefined;
  }

  const headers = parsePairs(s.headers, ':');
  if (!headers) errors.headers = 'Write one header a line as Name: value.';
  const query = parsePairs(s.query, '=');
  if (!query) errors.query = 'Write one parameter a line as name=value.';

  let body: Record<string, unknown> | undefined;
  if (s.method === 'POST' && s.body.trim()) {
    try {
      const parsed: unknown = JSON.parse(s.body);
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
      else errors.body = 'The body must be a JSON object or array.';
    } catch {
      errors.body = 'The body is not valid JSON.';
    }
  }

  const count = (key: keyof ApiState, min: number, max: number, msg: string) => {
    const n = parseCount(s[key] as string, min, max);
    if (Number.isNaN(n)) errors[key] = msg;
    return Number.isNaN(n) ? undefined : n;
  };
  const text = (v: string) => (v.trim() ? v.trim() : undefined);

  let pagination: Pagination | undefined;
  switch (s.paginationType) {
    case 'page_number': {
      const start = count('pageStart', 0, Number.MAX_SAFE_INTEGER, 'The first page is a whole number.');
      const size = count('pageSize', 1, 1_000_000, 'The page size is a whole number from 1.');
      pagination = omitUndefined({ type: 'page_number' as const, param: text(s.pageParam), start, size_param: text(s.sizeParam), size });
      break;
    }
    case 'offset_limit': {
      const limit = count('limit', 1, 1_000_000, 'The page size is a whole number from 1.');
      pagination = omitUndefined({ type: 'offset_limit' as const, offset_param: text(s.offsetParam), limit_param: text(s.limitParam), limit });
      break;
    }
    case 'cursor': {
      const cursor_path = s.cursorPath.trim();
      if (!cursor_path) complete = false;
      else if (!JSONPATH.test(cursor_path)) errors.cursorPath = 'A JSONPath starts with $, e.g. $.next_cursor.';
      pagination = omitUndefined({ type: 'cursor' as const, cursor_path, param: text(s.cursorParam) });
      break;
    }
    case 'next_url': {
      const next_path = s.nextPath.trim();
      if (!next_path) complete = false;
      else if (!JSONPATH.test(next_path)) errors.nextPath = 'A JSONPath starts with $, e.g. $.next.';
      pagination = { type: 'next_url', next_path };
      break;
    }
    case 'link_header':
      pagination = { type: 'link_header' };
      break;
    default:
      pagination = undefined;
  }
  const max_pages = count('maxPages', 1, 1000, 'At most 1,000 pages.');
  const max_records = count('maxRecords', 1, 1_000_000, 'At most 1,000,000 records.');

  if (!complete || Object.keys(errors).length) return { settings: null, errors };
  const settings: RestConfig = omitUndefined({
    url,
    method: s.method === 'GET' ? undefined : s.method,
    records_path: records_path || undefined,
    auth,
    headers: headers && Object.keys(headers).length ? headers : undefined,
    query: query && Object.keys(query).length ? query : undefined,
    body,
    pagination,
    max_pages,
    max_records,
  });
  return { settings, errors };
}

export const apiBody = (d: DetailsState, settings: RestConfig): ConnectApi => ({ ...detailsBody(d), ...settings });

// ---- Database ----

export interface DatabaseState {
  engine: DbEngine;
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
  tlsMode: TlsMode;
  read: 'table' | 'query';
  table: string;
  query: string;
}

export const emptyDatabase = (): DatabaseState => ({
  engine: 'postgres',
  host: '',
  port: '',
  database: '',
  user: '',
  password: '',
  tlsMode: 'prefer',
  read: 'table',
  table: '',
  query: '',
});

export const defaultPort = (engine: DbEngine) => (engine === 'mysql' ? 3306 : 5432);

export function buildDatabase(s: DatabaseState): Built<DatabaseConfig> {
  const errors: Record<string, string> = {};
  const host = s.host.trim();
  const database = s.database.trim();
  const user = s.user.trim();
  let complete = !!host && !!database && !!user;
  if (/[\s/]/.test(host) || host.includes('://')) errors.host = 'Only the host name or IP address, e.g. db.example.com.';
  const port = parseCount(s.port, 1, 65535);
  if (Number.isNaN(port)) errors.port = 'A port is a number from 1 to 65535.';
  const table = s.table.trim();
  const query = s.query.trim();
  if (s.read === 'table' ? !table : !query) complete = false;
  if (s.read === 'query' && query && !/^\s*(select|with)\b/i.test(query)) errors.query = 'Only one read-only SELECT (or WITH … SELECT) query.';
  if (!complete || Object.keys(errors).length) return { settings: null, errors };
  const settings: DatabaseConfig = omitUndefined({
    engine: s.engine,
    host,
    port,
    database,
    user,
    password: s.password || undefined,
    tls_mode: s.tlsMode,
    ...(s.read === 'table' ? { table } : { query }),
  });
  return { settings, errors };
}

export const databaseBody = (d: DetailsState, settings: DatabaseConfig): ConnectDatabase => ({ ...detailsBody(d), ...settings });

// ---- Google Sheets ----

export interface SheetsState {
  url: string;
  sheet: string;
}

export const emptySheets = (): SheetsState => ({ url: '', sheet: '' });

export function buildSheets(s: SheetsState): Built<SheetLinkConfig> {
  const errors: Record<string, string> = {};
  const url = s.url.trim();
  if (/^https?:\/\//i.test(url) && !/^https:\/\/docs\.google\.com\/spreadsheets\/d\/[^/]+/i.test(url))
    errors.url = 'Paste the link of a Google Sheet (https://docs.google.com/spreadsheets/d/…).';
  if (!url || Object.keys(errors).length) return { settings: null, errors };
  return { settings: omitUndefined({ url, sheet: s.sheet.trim() || undefined }), errors };
}

export const sheetsBody = (d: DetailsState, settings: SheetLinkConfig): ConnectSheets => ({ ...detailsBody(d), ...settings });

function omitUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
