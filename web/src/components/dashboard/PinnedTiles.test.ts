import { moved, tileLink } from './PinnedTiles';

it('moves a tile one place and leaves the ends alone', () => {
  expect(moved(['a', 'b', 'c'], 1, 0)).toEqual(['b', 'a', 'c']);
  expect(moved(['a', 'b', 'c'], 1, 2)).toEqual(['a', 'c', 'b']);
  expect(moved(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
});

it('links a tile to its query, or to its SQL once the query is gone', () => {
  expect(tileLink({ query_id: 'q1', data_source_id: 's1', sql: 'SELECT 1' })).toBe('/analysis?query=q1&rerun=1');
  const link = tileLink({ query_id: null, data_source_id: 's1', sql: 'SELECT 1' })!;
  expect(new URLSearchParams(link.split('?')[1]).get('sql')).toBe('SELECT 1');
  expect(tileLink({ query_id: null, data_source_id: null, sql: 'SELECT 1' })).toBeNull();
});
