import { api } from './client';
import type { User } from './types';

export const getMe = () => api.get<User>('/users/me').then((r) => r.data);

export const updateMe = (body: { full_name?: string; email?: string }) =>
  api.put<User>('/users/me', body).then((r) => r.data);

export const changePassword = (body: { current_password: string; new_password: string }) =>
  api.put('/users/me/password', body).then(() => undefined);

export const uploadAvatar = (file: File) => {
  const form = new FormData();
  form.append('file', file);
  return api.post<User>('/users/me/avatar', form).then((r) => r.data);
};
