import { askAboutLink, insightFacts } from './InsightsTab';

it('lists the scalar numbers of an insight', () => {
  const facts = insightFacts({
    numbers: { x: 'Quantity', y: 'Total', pearson_r: 0.7055103, sample_size: 1000, nested: { a: 1 }, rows_sql: 'SELECT 1' },
  });
  expect(facts).toEqual([
    ['x', 'Quantity'],
    ['y', 'Total'],
    ['pearson r', '0.7055'],
    ['sample size', '1,000'],
  ]);
});

it('links a finding to the analysis page with its SQL and question', () => {
  const link = askAboutLink('src-1', { sql: 'SELECT a FROM data', question: 'average a by b' });
  const params = new URLSearchParams(link.split('?')[1]);
  expect(link.startsWith('/analysis?')).toBe(true);
  expect(params.get('source')).toBe('src-1');
  expect(params.get('sql')).toBe('SELECT a FROM data');
  expect(params.get('q')).toBe('average a by b');
});
