import { api } from './client';
import type { ChartSpec, ChartType, Visualization } from './types';

export const listVisualizations = (queryId: string) =>
  api.get<Visualization[]>(`/visualizations/${queryId}`).then((r) => (Array.isArray(r.data) ? r.data : ((r.data as { items?: Visualization[] })?.items ?? [])));

export const createVisualization = (query_id: string, chart_type: ChartType, config_json: ChartSpec) =>
  api.post<Visualization>('/visualizations', { query_id, chart_type, config_json }).then((r) => r.data);

export const updateVisualization = (id: string, body: { chart_type?: ChartType; config_json?: ChartSpec }) =>
  api.put<Visualization>(`/visualizations/${id}`, body).then((r) => r.data);

export const deleteVisualization = (id: string) => api.delete(`/visualizations/${id}`).then(() => undefined);
