import { checkPassword, isEmail, isStrongPassword } from './password';

describe('password policy', () => {
  it('accepts the demo password', () => {
    expect(isStrongPassword('Demo-pass-2024!')).toBe(true);
  });

  it.each([
    ['Ab1!', 'length'],
    ['abcdef1!', 'upper'],
    ['ABCDEF1!', 'lower'],
    ['Abcdefg!', 'digit'],
    ['Abcdefg1', 'special'],
  ])('rejects %s for missing %s', (pw, rule) => {
    const failing = checkPassword(pw).filter((r) => !r.ok).map((r) => r.id);
    expect(failing).toEqual([rule]);
    expect(isStrongPassword(pw)).toBe(false);
  });

  it('reports every rule for an empty password', () => {
    expect(checkPassword('').every((r) => !r.ok)).toBe(true);
  });
});

describe('isEmail', () => {
  it('accepts ordinary and local addresses', () => {
    expect(isEmail('a@b.co')).toBe(true);
    expect(isEmail('demo@insightiq.local')).toBe(true);
    expect(isEmail('not-an-email')).toBe(false);
  });
});
