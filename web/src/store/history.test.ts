import { useSessionHistory } from './history';

it('keeps the newest question first and at most 50', () => {
  const { add, clear } = useSessionHistory.getState();
  clear();
  for (let i = 0; i < 55; i++) add({ question: `q${i}`, dataSourceId: 'd', kind: 'natural_language', status: 'answered' });
  const entries = useSessionHistory.getState().entries;
  expect(entries).toHaveLength(50);
  expect(entries[0].question).toBe('q54');
  expect(JSON.parse(sessionStorage.getItem('insightiq.session-history')!).state.entries).toHaveLength(50);
});
