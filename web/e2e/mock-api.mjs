// An in-memory stand-in for the InsightIQ API, implementing the contract the web app is
// written against. It lets the browser flows run before (or without) the Rust server:
// `npm run e2e:mock`. It is NOT a substitute for the real-server run (`npm run e2e`).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { parseCsvRows } from './csv.mjs';

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

export function startMockApi({ webDir, port = 0 }) {
  const users = new Map(); // email -> user
  const sessions = new Map(); // refresh token -> user id
  const access = new Map(); // access token -> user id
  const sources = new Map(); // id -> {ds, rows, user}
  const queries = new Map(); // id -> record
  const vizs = new Map();
  const keys = new Map();
  const now = () => new Date().toISOString();
  const dataDir = mkdtempSync(join(tmpdir(), 'insightiq-mock-'));
  mkdirSync(join(dataDir, 'outbox'));
  const tokens = new Map(); // single-use email token -> {kind, uid}
  function mail(to, kind, uid) {
    const t = randomUUID();
    tokens.set(t, { kind, uid });
    const path = kind === 'verify' ? 'verify-email' : 'reset-password';
    writeFileSync(join(dataDir, 'outbox', `${Date.now()}-${kind}.eml`), `To: ${to}\r\nSubject: ${kind}\r\n\r\nOpen http://localhost:8000/${path}?token=${t}\r\n`);
  }

  const err = (res, status, code, message, details = {}) => json(res, status, { error: { code, message, details } });
  function json(res, status, body, headers = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }
  const publicUser = (u) => ({ id: u.id, email: u.email, full_name: u.full_name, is_active: true, is_verified: !!u.is_verified, created_at: u.created_at, last_login: u.last_login, avatar_url: u.avatar_url ?? null });
  function issue(res, u) {
    const at = randomUUID();
    const rt = randomUUID();
    access.set(at, u.id);
    sessions.set(rt, u.id);
    u.last_login = now();
    json(res, 200, { access_token: at, refresh_token: rt, token_type: 'bearer', expires_in: 3600, user: { id: u.id, email: u.email, full_name: u.full_name } }, {
      'set-cookie': `iq_refresh=${rt}; Path=/api/v1/auth; HttpOnly; SameSite=Strict`,
    });
  }
  const cookie = (req, name) => (req.headers.cookie ?? '').split(';').map((c) => c.trim().split('=')).find(([k]) => k === name)?.[1];
  const userById = (id) => [...users.values()].find((u) => u.id === id);

  function profileOf(s) {
    return s.ds.columns_info.map((c, i) => {
      const vals = s.rows.map((r) => r[i]).filter((v) => v !== null);
      const nums = vals.filter((v) => typeof v === 'number');
      const col = { name: c.name, type: c.type, null_count: c.null_count, distinct_count: c.distinct_count, min: c.min, max: c.max, mean: c.mean, stddev: null, quantiles: null, top_values: [], histogram: [], flags: [] };
      if (nums.length && c.type !== 'string') {
        const lo = Math.min(...nums);
        const hi = Math.max(...nums);
        const w = (hi - lo) / 10 || 1;
        col.histogram = Array.from({ length: 10 }, (_, k) => ({ lower: lo + k * w, upper: lo + (k + 1) * w, count: nums.filter((n) => Math.min(9, Math.floor((n - lo) / w)) === k).length }));
      } else {
        const counts = new Map();
        vals.forEach((v) => counts.set(v, (counts.get(v) ?? 0) + 1));
        col.top_values = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([value, count]) => ({ value, count }));
      }
      return col;
    });
  }

  function ingest(buf, filename) {
    const ext = extname(filename).toLowerCase();
    if (ext === '.xlsx' && !(buf[0] === 0x50 && buf[1] === 0x4b)) throw { status: 422, code: 'unreadable_file', message: `“${filename}” is not a valid Excel workbook (.xlsx). Save it again as .xlsx or export it as CSV.` };
    const text = buf.toString('utf8');
    const rows = parseCsvRows(text.replace(/^\uFEFF/, ''));
    if (rows.length < 2 || rows[0].length < 1 || text.includes('\u0000')) throw { status: 422, code: 'unreadable_file', message: `Could not read “${filename}”: no header row and data rows were found.` };
    const [head, ...body] = rows;
    const types = head.map((_, i) => (body.every((r) => r[i] === '' || r[i] === undefined || /^-?\d+$/.test(r[i])) ? 'integer' : body.every((r) => r[i] === '' || !isNaN(Number(r[i]))) ? 'float' : 'string'));
    const data = body.map((r) => head.map((_, i) => (r[i] === '' || r[i] === undefined ? null : types[i] === 'string' ? r[i] : Number(r[i]))));
    const columns_info = head.map((name, i) => {
      const vals = data.map((r) => r[i]).filter((v) => v !== null);
      const nums = vals.filter((v) => typeof v === 'number');
      return {
        name, sql_name: name.toLowerCase().replace(/\W+/g, '_'), type: types[i], null_count: data.length - vals.length, distinct_count: new Set(vals).size,
        min: nums.length ? Math.min(...nums) : vals.sort()[0] ?? null, max: nums.length ? Math.max(...nums) : vals.sort().at(-1) ?? null,
        mean: nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null, description: null, synonyms: [],
      };
    });
    return { columns_info, rows: data };
  }

  function answer(s, q) {
    const text = q.toLowerCase();
    const cols = s.ds.columns_info;
    const find = (word) => cols.find((c) => c.name.toLowerCase() === word || (c.synonyms ?? []).map((x) => x.toLowerCase()).includes(word));
    const m = /(total|sum of|average|avg)\s+(\w+)(?:\s+by\s+(\w+))?/.exec(text);
    if (!m) return { status: 'needs_clarification', message: `I could not tell which number “${q}” is about.`, suggestions: ['total sales by city', 'average rating by branch', 'how many rows'] };
    const measure = find(m[2]);
    const dim = m[3] ? find(m[3]) : null;
    if (!measure) return { status: 'needs_clarification', message: `Which column is “${m[2]}”?`, suggestions: cols.filter((c) => c.type !== 'string').slice(0, 3).map((c) => `total ${c.name.toLowerCase()} by city`) };
    const mi = cols.indexOf(measure);
    const di = dim ? cols.indexOf(dim) : -1;
    const agg = m[1].startsWith('av') ? 'AVG' : 'SUM';
    const alias = `${agg === 'SUM' ? 'total' : 'avg'}_${measure.sql_name}`;
    const groups = new Map();
    for (const r of s.rows) {
      const k = di >= 0 ? r[di] : '_';
      const g = groups.get(k) ?? { sum: 0, n: 0 };
      g.sum += r[mi] ?? 0;
      g.n++;
      groups.set(k, g);
    }
    const out = [...groups.entries()].map(([k, g]) => (di >= 0 ? [k, agg === 'SUM' ? g.sum : g.sum / g.n] : [agg === 'SUM' ? g.sum : g.sum / g.n])).sort((a, b) => b.at(-1) - a.at(-1));
    const columns = di >= 0 ? [{ name: dim.sql_name, type: 'string' }, { name: alias, type: 'float' }] : [{ name: alias, type: 'float' }];
    const sql = `SELECT ${di >= 0 ? `"${dim.name}" AS ${dim.sql_name}, ` : ''}${agg}("${measure.name}") AS ${alias}\nFROM ${s.ds.table_name}${di >= 0 ? `\nGROUP BY 1\nORDER BY 2 DESC` : ''}`;
    const spec = di >= 0 ? { chart_type: 'bar', title: `${agg === 'SUM' ? 'Total' : 'Average'} ${measure.name} by ${dim.name}`, x_key: dim.sql_name, y_keys: [alias], number_format: 'number', x_type: 'category' } : { chart_type: 'kpi', title: `${agg} ${measure.name}`, y_keys: [alias], value_key: alias, label: `${agg === 'SUM' ? 'Total' : 'Average'} ${measure.name}`, number_format: 'number' };
    return {
      sql, spec, result_data: { columns, rows: out, row_count: out.length, truncated: false },
      interpretation: { summary: `${agg === 'SUM' ? 'Sum' : 'Average'} of ${measure.name}${dim ? ` for each ${dim.name}` : ''}`, measures: [{ agg: agg.toLowerCase(), column: measure.name }], dimensions: dim ? [dim.name] : [], filters: [], date_range: null, grain: null, order: { by: alias, direction: 'desc' }, limit: null },
    };
  }

  function record(uid, s, fields) {
    const id = randomUUID();
    const vid = randomUUID();
    const rec = { id, user: uid, data_source_id: s.ds.id, is_saved: false, cached: false, created_at: now(), execution_time_ms: 3, engine: 'rules', confidence: 0.9, ...fields };
    rec.visualizations = fields.spec ? [{ id: vid, chart_type: fields.spec.chart_type, config: fields.spec }] : [];
    if (fields.spec) vizs.set(vid, { id: vid, query_id: id, chart_type: fields.spec.chart_type, config_json: fields.spec, created_at: now() });
    delete rec.spec;
    queries.set(id, rec);
    return rec;
  }
  const out = ({ user, ...r }) => r;

  function parseMultipart(buf, type) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
    if (!boundary) return {};
    const sep = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
    const parts = {};
    let pos = buf.indexOf(sep);
    while (pos !== -1) {
      const next = buf.indexOf(sep, pos + sep.length);
      if (next === -1) break;
      const part = buf.subarray(pos + sep.length + 2, next - 2);
      const split = part.indexOf('\r\n\r\n');
      const head = part.subarray(0, split).toString();
      const body = part.subarray(split + 4);
      const name = /name="([^"]+)"/.exec(head)?.[1];
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      if (name) parts[name] = filename !== undefined ? { filename, data: body } : body.toString();
      pos = next;
    }
    return parts;
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    if (!path.startsWith('/api/')) {
      const file = normalize(join(webDir, path));
      const target = file.startsWith(webDir) && existsSync(file) && statSync(file).isFile() ? file : join(webDir, 'index.html');
      res.writeHead(200, { 'content-type': MIME[extname(target)] ?? 'application/octet-stream' });
      return res.end(readFileSync(target));
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    let body = {};
    if (type.includes('json') && raw.length) {
      try {
        body = JSON.parse(raw.toString());
      } catch {
        return err(res, 400, 'invalid_json', 'The request body is not valid JSON.');
      }
    } else if (type.includes('multipart')) body = parseMultipart(raw, type);
    const p = path.replace(/^\/api\/v1/, '');
    const M = req.method;
    const seg = p.split('/').filter(Boolean);

    if (seg[0] === 'users' && seg[2] === 'avatar' && M === 'GET') {
      const u = userById(seg[1]);
      if (!u?.avatar) return err(res, 404, 'not_found', 'No avatar.');
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(u.avatar);
    }
    if (p === '/health') return json(res, 200, { status: 'ok', version: 'mock', store: 'ok', cache: 'ok' });
    if (p === '/auth/register' && M === 'POST') {
      if (!body.email || !body.password || !body.full_name) return err(res, 422, 'validation_error', 'Email, password and full name are required.');
      if (users.has(body.email.toLowerCase())) return err(res, 409, 'email_taken', 'An account with that email already exists.');
      const u = { id: randomUUID(), email: body.email.toLowerCase(), full_name: body.full_name, password: body.password, created_at: now(), last_login: null };
      users.set(u.email, u);
      mail(u.email, 'verify', u.id);
      return json(res, 201, publicUser(u));
    }
    if (p === '/auth/login' && M === 'POST') {
      const u = users.get(String(body.email).toLowerCase());
      if (!u || u.password !== body.password) return err(res, 401, 'invalid_credentials', 'Incorrect email or password.');
      return issue(res, u);
    }
    if (p === '/auth/refresh' && M === 'POST') {
      const rt = body.refresh_token ?? cookie(req, 'iq_refresh');
      const uid = rt && sessions.get(rt);
      if (!uid) return err(res, 401, 'invalid_token', 'Your session has expired. Log in again.');
      sessions.delete(rt);
      return issue(res, userById(uid));
    }
    if (p === '/auth/logout' && M === 'POST') {
      const rt = body.refresh_token ?? cookie(req, 'iq_refresh');
      sessions.delete(rt);
      res.writeHead(204, { 'set-cookie': 'iq_refresh=; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=0' });
      return res.end();
    }
    if (p === '/auth/forgot-password') {
      const u = users.get(String(body.email).toLowerCase());
      if (u) mail(u.email, 'reset', u.id);
      return json(res, 202, { message: 'If an account exists for that email, a reset link is on its way.' });
    }
    if (p === '/auth/verify-email' || p === '/auth/reset-password') {
      const t = tokens.get(body.token);
      if (!t || t.kind !== (p === '/auth/verify-email' ? 'verify' : 'reset')) return err(res, 400, 'invalid_token', 'This link is invalid or has expired.');
      tokens.delete(body.token);
      const u = userById(t.uid);
      if (t.kind === 'verify') u.is_verified = true;
      else {
        u.password = body.new_password;
        for (const [k, v] of sessions) if (v === u.id) sessions.delete(k);
      }
      return json(res, 200, { message: 'Done.' });
    }

    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const uid = access.get(token);
    if (!uid) return err(res, 401, 'unauthorized', 'Log in to continue.');
    const me = userById(uid);
    const mine = (id) => {
      const s = sources.get(id);
      return s && s.user === uid ? s : null;
    };

    if ((p === '/auth/me' || p === '/users/me') && M === 'GET') return json(res, 200, publicUser(me));
    if (p === '/users/me' && M === 'PUT') {
      if (body.full_name) me.full_name = body.full_name;
      if (body.email) me.email = body.email;
      return json(res, 200, publicUser(me));
    }
    if (p === '/users/me/password' && M === 'PUT') {
      if (body.current_password !== me.password) return err(res, 400, 'wrong_password', 'The current password is not correct.');
      me.password = body.new_password;
      res.writeHead(204);
      return res.end();
    }
    if (p === '/users/me/avatar' && M === 'POST') {
      me.avatar = body.file?.data;
      me.avatar_url = `/api/v1/users/${me.id}/avatar`;
      return json(res, 200, publicUser(me));
    }
    if (p === '/api-keys' && M === 'GET') return json(res, 200, [...keys.values()].filter((k) => k.user === uid).map(out));
    if (p === '/api-keys' && M === 'POST') {
      const k = { id: randomUUID(), user: uid, key_name: body.key_name, key_prefix: '', is_active: true, created_at: now(), last_used_at: null };
      const full = `iq_${randomUUID().replace(/-/g, '')}`;
      k.key_prefix = full.slice(0, 8);
      keys.set(k.id, k);
      return json(res, 201, { ...out(k), key: full });
    }
    if (seg[0] === 'api-keys' && seg[1] && M === 'DELETE') {
      keys.delete(seg[1]);
      res.writeHead(204);
      return res.end();
    }
    if (p === '/data-sources' && M === 'GET') {
      const items = [...sources.values()].filter((s) => s.user === uid).map((s) => s.ds).reverse();
      return json(res, 200, { items, total: items.length, page: 1, page_size: 20 });
    }
    if (p === '/data-sources/upload-csv' && M === 'POST') {
      if (!body.file) return err(res, 422, 'missing_file', 'Attach a file in the `file` field.');
      try {
        const { columns_info, rows } = ingest(body.file.data, body.file.filename);
        const id = randomUUID();
        const ds = { id, name: body.name || body.file.filename, description: null, type: 'csv', status: 'connected', row_count: rows.length, file_size: body.file.data.length, columns_info, table_name: `t_${id.slice(0, 8)}`, created_at: now(), updated_at: now(), last_synced_at: now() };
        sources.set(id, { ds, rows, user: uid });
        return json(res, 201, ds);
      } catch (e) {
        return err(res, e.status ?? 500, e.code ?? 'internal', e.message ?? 'Upload failed.');
      }
    }
    if (seg[0] === 'data-sources' && seg[1]) {
      const s = mine(seg[1]);
      if (!s) return err(res, 404, 'not_found', 'Data source not found.');
      if (!seg[2] && M === 'GET') return json(res, 200, s.ds);
      if (!seg[2] && M === 'PUT') {
        if (body.name) s.ds.name = body.name;
        if (body.description !== undefined) s.ds.description = body.description;
        for (const c of body.columns ?? []) {
          const col = s.ds.columns_info.find((x) => x.name === c.name);
          if (col) Object.assign(col, { description: c.description ?? col.description, synonyms: c.synonyms ?? col.synonyms });
        }
        s.ds.updated_at = now();
        return json(res, 200, s.ds);
      }
      if (!seg[2] && M === 'DELETE') {
        sources.delete(seg[1]);
        res.writeHead(204);
        return res.end();
      }
      if (seg[2] === 'preview') {
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 50);
        return json(res, 200, { columns: s.ds.columns_info.map((c) => ({ name: c.name, type: c.type })), rows: s.rows.slice(offset, offset + limit), total_rows: s.rows.length, offset, limit });
      }
      if (seg[2] === 'profile') return json(res, 200, { row_count: s.rows.length, columns: profileOf(s) });
      if (seg[2] === 'suggestions') return json(res, 200, { questions: ['total sales by city', 'average rating by branch', 'total quantity by gender'] });
      if (seg[2] === 'insights') {
        const a = answer(s, 'total total by city');
        return json(res, 200, { sampled: false, insights: a.result_data ? [{ type: 'top_contributor', title: 'Naypyitaw leads on Total', explanation: 'One city brings in the most.', numbers: { columns: a.result_data.columns, rows: a.result_data.rows }, sql: a.sql, chart: a.spec }] : [] });
      }
    }
    if (p === '/queries/natural-language' && M === 'POST') {
      const s = mine(body.data_source_id);
      if (!s) return err(res, 404, 'not_found', 'Data source not found.');
      const a = answer(s, body.query_text);
      if (a.status) return json(res, 200, a);
      return json(res, 200, { status: 'answered', ...out(record(uid, s, { query_text: body.query_text, query_type: 'natural_language', interpreted_query: a.sql, interpretation: a.interpretation, result_data: a.result_data, spec: a.spec })) });
    }
    if (p === '/queries/execute' && M === 'POST') {
      const s = mine(body.data_source_id);
      if (!s) return err(res, 404, 'not_found', 'Data source not found.');
      if (!/^\s*(select|with)\b/i.test(body.sql)) return err(res, 400, 'sql_not_allowed', 'Only read-only SELECT statements are allowed.');
      const last = [...queries.values()].reverse().find((q) => q.user === uid && q.data_source_id === s.ds.id && q.query_type === 'natural_language');
      const lim = /limit\s+(\d+)\s*;?\s*$/i.exec(body.sql);
      const rd = last ? { ...last.result_data } : { columns: [], rows: [], row_count: 0 };
      if (lim) rd.rows = rd.rows.slice(0, Number(lim[1]));
      rd.row_count = rd.rows.length;
      return json(res, 200, out(record(uid, s, { query_text: body.sql, query_type: 'sql', interpreted_query: body.sql, interpretation: null, engine: null, confidence: null, result_data: rd })));
    }
    if ((p === '/queries' || p === '/queries/saved') && M === 'GET') {
      const search = (url.searchParams.get('search') ?? '').toLowerCase();
      const qt = url.searchParams.get('query_type');
      const items = [...queries.values()].filter((q) => q.user === uid && (p !== '/queries/saved' || q.is_saved) && (!search || q.query_text.toLowerCase().includes(search)) && (!qt || q.query_type === qt)).reverse().map(out);
      return json(res, 200, { items, total: items.length, page: 1, page_size: 20 });
    }
    if (seg[0] === 'queries' && seg[1]) {
      const q = queries.get(seg[1]);
      if (!q || q.user !== uid) return err(res, 404, 'not_found', 'Query not found.');
      if (seg[2] === 'save') {
        q.is_saved = M === 'POST';
        return json(res, 200, out(q));
      }
      if (seg[2] === 'export') {
        const csv = [q.result_data.columns.map((c) => c.name).join(','), ...q.result_data.rows.map((r) => r.join(','))].join('\n');
        res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': `attachment; filename="query.csv"` });
        return res.end(csv);
      }
      if (M === 'GET') return json(res, 200, out(q));
      if (M === 'DELETE') {
        queries.delete(seg[1]);
        res.writeHead(204);
        return res.end();
      }
    }
    if (p === '/visualizations' && M === 'POST') {
      const v = { id: randomUUID(), query_id: body.query_id, chart_type: body.chart_type, config_json: body.config_json, created_at: now() };
      vizs.set(v.id, v);
      return json(res, 201, v);
    }
    if (seg[0] === 'visualizations' && seg[1]) {
      if (M === 'GET') return json(res, 200, [...vizs.values()].filter((v) => v.query_id === seg[1]));
      const v = vizs.get(seg[1]);
      if (!v) return err(res, 404, 'not_found', 'Visualization not found.');
      if (M === 'PUT') return json(res, 200, Object.assign(v, body));
      if (M === 'DELETE') {
        vizs.delete(seg[1]);
        res.writeHead(204);
        return res.end();
      }
    }
    if (p === '/stats/dashboard') {
      const mineS = [...sources.values()].filter((s) => s.user === uid);
      const mineQ = [...queries.values()].filter((q) => q.user === uid);
      return json(res, 200, {
        data_sources_count: mineS.length, queries_count: mineQ.length, queries_this_month: mineQ.length, active_datasets: mineS.length,
        storage_used_bytes: mineS.reduce((a, s) => a + s.ds.file_size, 0), storage_limit_bytes: 10 * 1024 ** 3,
        recent_activity: [...mineS.map((s) => ({ kind: 'upload', title: `Uploaded ${s.ds.name}`, link: `/data-sources/${s.ds.id}`, created_at: s.ds.created_at })), ...mineQ.map((q) => ({ kind: 'query', title: q.query_text, link: `/analysis?query=${q.id}`, created_at: q.created_at }))].sort((a, b) => b.created_at.localeCompare(a.created_at)),
      });
    }
    if (p === '/stats/usage') return json(res, 200, { queries_per_day: [{ day: now().slice(0, 10), natural_language: [...queries.values()].filter((q) => q.user === uid && q.query_type === 'natural_language').length, sql: 0 }], avg_execution_ms: 3, p95_execution_ms: 5, top_data_sources: [], storage_by_source: [] });
    return err(res, 404, 'not_found', `No route for ${M} ${path}.`);
  });

  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      const base = `http://127.0.0.1:${server.address().port}`;
      resolve({ base, dataDir, health: { version: 'mock' }, stop: () => new Promise((r) => server.close(() => (rmSync(dataDir, { recursive: true, force: true }), r()))) });
    }),
  );
}
