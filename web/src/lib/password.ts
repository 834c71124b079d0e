/** The server's password policy (SPEC: Security), checked live while typing. */
export interface PasswordRule {
  id: string;
  label: string;
  test: (pw: string) => boolean;
}

export const PASSWORD_RULES: PasswordRule[] = [
  { id: 'length', label: 'At least 8 characters', test: (pw) => [...pw].length >= 8 },
  { id: 'upper', label: 'An uppercase letter', test: (pw) => /\p{Lu}/u.test(pw) },
  { id: 'lower', label: 'A lowercase letter', test: (pw) => /\p{Ll}/u.test(pw) },
  { id: 'digit', label: 'A digit', test: (pw) => /\d/.test(pw) },
  { id: 'special', label: 'A special character (e.g. ! ? # @)', test: (pw) => /[^\p{L}\p{N}\s]/u.test(pw) },
];

export function checkPassword(pw: string) {
  return PASSWORD_RULES.map((r) => ({ id: r.id, label: r.label, ok: r.test(pw) }));
}

export function isStrongPassword(pw: string): boolean {
  return PASSWORD_RULES.every((r) => r.test(pw));
}

export function isEmail(s: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim()) || /^[^\s@]+@localhost$/i.test(s.trim());
}
