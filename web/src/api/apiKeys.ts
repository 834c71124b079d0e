import { api } from './client';
import { asList } from './normalize';
import type { ApiKey, CreatedApiKey } from './types';

export const listApiKeys = () => api.get<ApiKey[]>('/api-keys').then((r) => asList(r.data));

export const createApiKey = (key_name: string) =>
  api.post<CreatedApiKey>('/api-keys', { key_name }).then((r) => r.data);

export const revokeApiKey = (id: string) => api.delete(`/api-keys/${id}`).then(() => undefined);
