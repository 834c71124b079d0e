import { loginPath, safeNext } from './next';

describe('safeNext', () => {
  it('keeps in-app paths and refuses open redirects', () => {
    expect(safeNext('/analysis?query=1')).toBe('/analysis?query=1');
    expect(safeNext('//evil.example')).toBe('/dashboard');
    expect(safeNext('https://evil.example')).toBe('/dashboard');
    expect(safeNext('/login?next=/x')).toBe('/dashboard');
    expect(safeNext(null)).toBe('/dashboard');
  });
  it('builds the login path with the page remembered', () => {
    expect(loginPath('/saved?x=1')).toBe('/login?next=%2Fsaved%3Fx%3D1');
  });
});
