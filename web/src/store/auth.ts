import { create } from 'zustand';
import type { TokenResponse, User } from '../api/types';

/**
 * Auth state lives in memory only. The refresh token is an httpOnly cookie
 * (`iq_refresh`, path /api/v1/auth) set by the server; JavaScript never sees it.
 */
export type AuthStatus = 'unknown' | 'authenticated' | 'anonymous';

export interface AuthState {
  status: AuthStatus;
  accessToken: string | null;
  /** epoch milliseconds at which the access token expires */
  expiresAt: number | null;
  user: User | null;
  /** true when the session ended by itself (refresh failed), not by logging out */
  expired: boolean;
  setSession: (t: TokenResponse, now?: number) => void;
  setUser: (u: User) => void;
  clear: (expired?: boolean) => void;
}

export const useAuth = create<AuthState>((set) => ({
  status: 'unknown',
  accessToken: null,
  expiresAt: null,
  user: null,
  expired: false,
  setSession: (t, now = Date.now()) =>
    set((s) => ({
      status: 'authenticated',
      accessToken: t.access_token,
      expiresAt: now + (t.expires_in || 3600) * 1000,
      user: { ...(s.user && s.user.id === t.user.id ? s.user : {}), ...t.user } as User,
      expired: false,
    })),
  setUser: (u) => set({ user: u }),
  clear: (expired = false) =>
    set({ status: 'anonymous', accessToken: null, expiresAt: null, user: null, expired }),
}));

/** How long before expiry the access token is renewed. */
export const REFRESH_MARGIN_MS = 60_000;

/** Delay until the next silent refresh for a token expiring at `expiresAt`. */
export function refreshDelay(expiresAt: number, now = Date.now()): number {
  return Math.max(5_000, expiresAt - now - REFRESH_MARGIN_MS);
}
