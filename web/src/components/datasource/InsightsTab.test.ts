import { insightFacts } from './InsightsTab';

it('lists the scalar numbers of an insight', () => {
  const facts = insightFacts({
    numbers: { x: 'Quantity', y: 'Total', pearson_r: 0.7055103, sample_size: 1000, nested: { a: 1 } },
  });
  expect(facts).toEqual([
    ['x', 'Quantity'],
    ['y', 'Total'],
    ['pearson r', '0.7055'],
    ['sample size', '1,000'],
  ]);
});
