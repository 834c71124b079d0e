/** Only same-app paths are allowed as a post-login destination (no open redirects). */
export function safeNext(next: string | null | undefined, fallback = '/dashboard'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (/^\/(login|register)\b/.test(next)) return fallback;
  return next;
}

export function loginPath(current: string): string {
  return `/login?next=${encodeURIComponent(current)}`;
}
