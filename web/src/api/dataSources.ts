import { api } from './client';
import { asPage } from './normalize';
import type { DataSource, InsightsResponse, Narration, Page, Preview, Profile } from './types';

export const listDataSources = (page = 1, page_size = 20) =>
  api.get<Page<DataSource>>('/data-sources', { params: { page, page_size } }).then((r) => asPage(r.data, page, page_size));

export const getDataSource = (id: string) => api.get<DataSource>(`/data-sources/${id}`).then((r) => r.data);

export interface ColumnUpdate {
  name: string;
  description?: string;
  synonyms?: string[];
}

/** `sync_interval_minutes`: 0 turns a connected source's schedule off, else 5..10,080. */
export const updateDataSource = (
  id: string,
  body: { name?: string; description?: string; columns?: ColumnUpdate[]; share_sample_values?: boolean; sync_interval_minutes?: number },
) =>
  api.put<DataSource>(`/data-sources/${id}`, body).then((r) => r.data);

export const deleteDataSource = (id: string) => api.delete(`/data-sources/${id}`).then(() => undefined);

export const getPreview = (id: string, offset = 0, limit = 50) =>
  api.get<Preview>(`/data-sources/${id}/preview`, { params: { offset, limit } }).then((r) => r.data);

export const getProfile = (id: string) => api.get<Profile>(`/data-sources/${id}/profile`).then((r) => r.data);

export const getInsights = (id: string) =>
  api.get<InsightsResponse>(`/data-sources/${id}/insights`).then((r) => ({ ...r.data, insights: r.data?.insights ?? [] }));

export const getSuggestions = (id: string) =>
  api.get<{ questions: string[] }>(`/data-sources/${id}/suggestions`).then((r) => (Array.isArray(r.data) ? (r.data as string[]) : (r.data?.questions ?? [])));

export const ACCEPTED_UPLOADS = ['.csv', '.tsv', '.txt', '.xlsx', '.json'];

/**
 * Upload a file as a new data source. `onProgress` receives the fraction (0..1) of
 * request bytes sent, as reported by the browser (XMLHttpRequest upload events).
 */
export const uploadFile = (
  file: File,
  name: string,
  opts: { sheet?: string; onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
) => {
  const form = new FormData();
  form.append('name', name);
  if (opts.sheet) form.append('sheet', opts.sheet);
  form.append('file', file);
  return api
    .post<DataSource>('/data-sources/upload-csv', form, {
      signal: opts.signal,
      onUploadProgress: (e) => {
        const total = e.total ?? file.size;
        if (opts.onProgress && total) opts.onProgress(Math.min(1, e.loaded / total));
      },
    })
    .then((r) => r.data);
};

/** Asks the configured language model to word the insights; every number it writes is checked against the findings. */
export const narrateInsights = (id: string) => api.post<Narration>(`/data-sources/${id}/insights/narration`).then((r) => r.data);
