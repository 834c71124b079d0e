import { describe, expect, it } from 'vitest';
import { raisedFlags } from './ProfileTab';

describe('raisedFlags', () => {
  it('lists the flags the server raised, by name', () => {
    const flags = { all_null: false, constant: true, looks_like_id: true, numbers_as_text: false, mixed_types: false };
    expect(raisedFlags(flags)).toEqual(['constant', 'looks_like_id']);
  });

  it('is empty for a column without flags', () => {
    expect(raisedFlags(undefined)).toEqual([]);
  });
});
