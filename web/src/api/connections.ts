// Connected data sources: REST APIs, databases and Google Sheets, tried before they are
// saved, and synced on request.
import { api } from './client';
import type { Cell, ConnectApi, ConnectDatabase, Connection, ConnectionPreview, ConnectSheets, DataSource, SyncAccepted } from './types';

/** A connection's first rows. The schema calls the cells objects; they are plain JSON values. */
export type ConnectionTest = Omit<ConnectionPreview, 'rows'> & { rows: Cell[][] };

/** Connects a JSON API (its records become the source's rows). 201 with the new source. */
export const connectApi = (body: ConnectApi) => api.post<DataSource>('/data-sources/connect-api', body).then((r) => r.data);

/** Connects a PostgreSQL or MySQL table, or one read-only `SELECT`. */
export const connectDatabase = (body: ConnectDatabase) => api.post<DataSource>('/data-sources/connect-database', body).then((r) => r.data);

/** Connects a Google Sheet shared with "Anyone with the link". */
export const connectSheets = (body: ConnectSheets) => api.post<DataSource>('/data-sources/connect-sheets', body).then((r) => r.data);

/** Reads the first rows of a connection without saving anything (422 with the reason when it does not work). */
export const testConnection = (connection: Connection) =>
  api.post<ConnectionPreview>('/data-sources/test-connection', connection).then((r): ConnectionTest => ({
    ...r.data,
    columns: r.data?.columns ?? [],
    rows: (r.data?.rows ?? []) as unknown as Cell[][],
  }));

/** Starts a sync in the background (202); poll the source until its status is no longer `syncing`. */
export const syncDataSource = (id: string) => api.post<SyncAccepted>(`/data-sources/${id}/sync`).then((r) => r.data);
