import { api } from './client';
import type { ChartSpec, Tile, TileResult } from './types';

export const listTiles = () => api.get<Tile[]>('/dashboard/tiles').then((r) => r.data ?? []);

export const pinTile = (body: { query_id?: string; visualization_id?: string; title?: string; chart?: ChartSpec; width?: number; height?: number }) =>
  api.post<Tile>('/dashboard/tiles', body).then((r) => r.data);

export const updateTile = (id: string, body: { title?: string; width?: number; height?: number }) =>
  api.patch<Tile>(`/dashboard/tiles/${id}`, body).then((r) => r.data);

export const reorderTiles = (tile_ids: string[]) => api.put<Tile[]>('/dashboard/tiles/order', { tile_ids }).then((r) => r.data);

export const deleteTile = (id: string) => api.delete(`/dashboard/tiles/${id}`).then(() => undefined);

export const getTileResult = (id: string) => api.get<TileResult>(`/dashboard/tiles/${id}/result`).then((r) => r.data);
