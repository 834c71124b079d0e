import axios, { AxiosError, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
import { refreshDelay, useAuth } from '../store/auth';
import type { ApiErrorBody, TokenResponse } from './types';

export const API_BASE = '/api/v1';

/** Plain instance for auth endpoints: no bearer retry logic, so it can never loop. */
export const authHttp = axios.create({ baseURL: API_BASE, withCredentials: true });

/** Instance for everything else: adds the bearer token and retries once after a refresh on 401. */
export const api = axios.create({ baseURL: API_BASE, withCredentials: true });

api.interceptors.request.use((config) => {
  const token = useAuth.getState().accessToken;
  if (token) config.headers.set('Authorization', `Bearer ${token}`);
  return config;
});

type RetryConfig = InternalAxiosRequestConfig & { _retried?: boolean };

api.interceptors.response.use(undefined, async (error: AxiosError) => {
  const config = error.config as RetryConfig | undefined;
  if (error.response?.status === 401 && config && !config._retried) {
    config._retried = true;
    const ok = await refreshSession();
    if (ok) {
      const token = useAuth.getState().accessToken;
      config.headers.set('Authorization', `Bearer ${token}`);
      return api.request(config);
    }
    useAuth.getState().clear(true);
  }
  return Promise.reject(error);
});

let inflight: Promise<boolean> | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;

/**
 * Exchange the httpOnly refresh cookie for a new access token. Concurrent callers share
 * one request. Resolves false (and leaves state alone) when there is no valid session.
 */
export function refreshSession(): Promise<boolean> {
  if (!inflight) {
    inflight = acrossTabs(() => authHttp.post<TokenResponse>('/auth/refresh', {}))
      .then((r) => {
        startSession(r.data);
        return true;
      })
      .catch(() => false)
      .finally(() => {
        inflight = null;
      });
  }
  return inflight;
}

/**
 * Refresh tokens rotate and the server treats a reused one as theft (revoking the
 * session), so tabs sharing the cookie must not refresh at the same moment: serialize
 * with the Web Locks API where the browser has it.
 */
function acrossTabs<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  return locks ? (locks.request('insightiq-refresh', fn) as Promise<T>) : fn();
}

/** Store a token response and schedule the next silent refresh before it expires. */
export function startSession(t: TokenResponse) {
  useAuth.getState().setSession(t);
  scheduleRefresh();
}

export function scheduleRefresh() {
  if (timer) clearTimeout(timer);
  const { expiresAt } = useAuth.getState();
  if (!expiresAt) return;
  timer = setTimeout(async () => {
    timer = null;
    const ok = await refreshSession();
    if (!ok) useAuth.getState().clear(true);
  }, refreshDelay(expiresAt));
}

export function endSession(expired = false) {
  if (timer) clearTimeout(timer);
  timer = null;
  useAuth.getState().clear(expired);
}

/** The human message of an API error (`{"error": {"message"}}`), or a sensible fallback. */
export function errorMessage(err: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (axios.isAxiosError(err)) {
    const data = err.response?.data as Partial<ApiErrorBody> | undefined;
    const msg = data && typeof data === 'object' ? data.error?.message : undefined;
    if (msg) return msg;
    if (!err.response) return 'Cannot reach the InsightIQ server. Check your connection and try again.';
    if (err.response.status === 413) return 'The file is too large for this server.';
    if (err.response.status === 429) return 'Too many requests. Please wait a moment and try again.';
    if (err.response.status >= 500) return `The server had a problem (HTTP ${err.response.status}).`;
    return `${fallback} (HTTP ${err.response.status})`;
  }
  if (err instanceof Error && err.message) return err.message;
  return fallback;
}

/** The machine-readable error code, if the server sent one. */
export function errorCode(err: unknown): string | undefined {
  if (axios.isAxiosError(err)) {
    return (err.response?.data as Partial<ApiErrorBody> | undefined)?.error?.code;
  }
  return undefined;
}

export type { AxiosRequestConfig };
