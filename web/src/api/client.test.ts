import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { useAuth } from '../store/auth';
import { tokens } from '../test/fixtures';
import { api, authHttp, endSession, errorMessage, refreshSession, startSession } from './client';

function reply(config: InternalAxiosRequestConfig, status: number, data: unknown): Promise<AxiosResponse> {
  const res = { data, status, statusText: String(status), headers: {}, config } as AxiosResponse;
  if (status >= 400) {
    const err = Object.assign(new Error(`HTTP ${status}`), { isAxiosError: true, response: res, config, toJSON: () => ({}) });
    return Promise.reject(err);
  }
  return Promise.resolve(res);
}

const token = (n: number) => tokens({ access_token: `access-${n}`, refresh_token: `refresh-${n}` });

let refreshCalls = 0;
let refreshOk = true;
const authAdapter: AxiosAdapter = (config) => {
  if (config.url === '/auth/refresh') {
    refreshCalls++;
    return refreshOk ? reply(config, 200, token(refreshCalls + 1)) : reply(config, 401, { error: { code: 'invalid_token', message: 'Session expired' } });
  }
  return reply(config, 404, {});
};

beforeEach(() => {
  refreshCalls = 0;
  refreshOk = true;
  authHttp.defaults.adapter = authAdapter;
  endSession();
  useAuth.setState({ status: 'unknown', expired: false });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('session handling', () => {
  it('keeps the access token in memory and sends it as a bearer token', async () => {
    let seen: string | undefined;
    api.defaults.adapter = (config) => {
      seen = String(config.headers.get('Authorization'));
      return reply(config, 200, { ok: true });
    };
    startSession(token(1));
    await api.get('/auth/me');
    expect(seen).toBe('Bearer access-1');
    expect(useAuth.getState().status).toBe('authenticated');
    expect(window.localStorage.length).toBe(0);
  });

  it('refreshes once on 401 and retries the request with the new token', async () => {
    const seen: string[] = [];
    api.defaults.adapter = (config) => {
      const auth = String(config.headers.get('Authorization'));
      seen.push(auth);
      return auth === 'Bearer access-1' ? reply(config, 401, { error: { code: 'token_expired', message: 'expired' } }) : reply(config, 200, { ok: true });
    };
    startSession(token(1));
    const r = await api.get('/data-sources');
    expect(r.data).toEqual({ ok: true });
    expect(refreshCalls).toBe(1);
    expect(seen).toEqual(['Bearer access-1', 'Bearer access-2']);
  });

  it('ends the session as expired when the refresh fails', async () => {
    api.defaults.adapter = (config) => reply(config, 401, { error: { code: 'token_expired', message: 'expired' } });
    refreshOk = false;
    startSession(token(1));
    await expect(api.get('/data-sources')).rejects.toBeTruthy();
    expect(useAuth.getState().status).toBe('anonymous');
    expect(useAuth.getState().expired).toBe(true);
    expect(useAuth.getState().accessToken).toBeNull();
  });

  it('shares one refresh request between concurrent callers', async () => {
    const results = await Promise.all([refreshSession(), refreshSession(), refreshSession()]);
    expect(results).toEqual([true, true, true]);
    expect(refreshCalls).toBe(1);
  });

  it('refreshes silently a minute before the access token expires', async () => {
    vi.useFakeTimers();
    startSession({ ...token(1), expires_in: 600 });
    await vi.advanceTimersByTimeAsync(538_000);
    expect(refreshCalls).toBe(0);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(refreshCalls).toBe(1);
    expect(useAuth.getState().accessToken).toBe('access-2');
  });
});

describe('errorMessage', () => {
  it('shows the API error message', async () => {
    api.defaults.adapter = (config) => reply(config, 422, { error: { code: 'bad_csv', message: 'The file has no header row.' } });
    const err = await api.get('/x').catch((e) => e);
    expect(errorMessage(err)).toBe('The file has no header row.');
  });

  it('explains a network failure', () => {
    const err = Object.assign(new Error('Network Error'), { isAxiosError: true, response: undefined });
    expect(errorMessage(err)).toMatch(/Cannot reach/);
  });
});
