import { api, authHttp } from './client';
import type { TokenResponse, User } from './types';

export const register = (body: { email: string; password: string; full_name: string }) =>
  authHttp.post<User>('/auth/register', body).then((r) => r.data);

export const login = (body: { email: string; password: string }) =>
  authHttp.post<TokenResponse>('/auth/login', body).then((r) => r.data);

/** The refresh token travels in the httpOnly cookie; the body is empty on purpose. */
export const logout = () => authHttp.post('/auth/logout', {}).then(() => undefined);

export const me = () => api.get<User>('/auth/me').then((r) => r.data);

export const verifyEmail = (token: string) =>
  authHttp.post<{ message?: string }>('/auth/verify-email', { token }).then((r) => r.data);

export const forgotPassword = (email: string) =>
  authHttp.post<{ message: string }>('/auth/forgot-password', { email }).then((r) => r.data);

export const resetPassword = (token: string, new_password: string) =>
  authHttp.post<{ message?: string }>('/auth/reset-password', { token, new_password }).then((r) => r.data);
