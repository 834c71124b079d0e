import { api } from './client';
import { asPage } from './normalize';
import type { AskResponse, NlEngine, Page, QueryRecord } from './types';

/** Asks a question; `engine` overrides the server's default (e.g. `llm` for "ask the AI"). */
export const askQuestion = (data_source_id: string, query_text: string, engine?: NlEngine) =>
  api.post<AskResponse>('/queries/natural-language', { data_source_id, query_text, ...(engine ? { engine } : {}) }).then((r) => r.data);

export const executeSql = (data_source_id: string, sql: string) =>
  api.post<QueryRecord>('/queries/execute', { data_source_id, sql }).then((r) => r.data);

export interface QueryListParams {
  page?: number;
  page_size?: number;
  data_source_id?: string;
  query_type?: string;
  search?: string;
}

export const listQueries = (params: QueryListParams = {}) =>
  api.get<Page<QueryRecord>>('/queries', { params: clean(params) }).then((r) => asPage(r.data, params.page, params.page_size));

export const listSaved = (params: QueryListParams = {}) =>
  api.get<Page<QueryRecord>>('/queries/saved', { params: clean(params) }).then((r) => asPage(r.data, params.page, params.page_size));

export const getQuery = (id: string) => api.get<QueryRecord>(`/queries/${id}`).then((r) => r.data);

export const deleteQuery = (id: string) => api.delete(`/queries/${id}`).then(() => undefined);

export const saveQuery = (id: string) => api.post<QueryRecord>(`/queries/${id}/save`).then((r) => r.data);

export const unsaveQuery = (id: string) => api.delete<QueryRecord>(`/queries/${id}/save`).then((r) => r.data);

export type ExportFormat = 'csv' | 'xlsx' | 'json' | 'parquet';

/** Download a query's result through the authenticated client and hand it to the browser. */
export async function exportQuery(id: string, format: ExportFormat) {
  const r = await api.get<Blob>(`/queries/${id}/export`, { params: { format }, responseType: 'blob' });
  const disposition = String(r.headers['content-disposition'] ?? '');
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const filename = match ? decodeURIComponent(match[1]) : `query-${id}.${format}`;
  const url = URL.createObjectURL(r.data);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function clean<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
