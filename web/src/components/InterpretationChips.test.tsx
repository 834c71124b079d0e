import { render, screen } from '@testing-library/react';
import { InterpretationChips, interpretationChips } from './InterpretationChips';

describe('interpretation chips', () => {
  it('renders the summary and readable chips for each piece', () => {
    const i = {
      summary: 'Sum of total by city',
      measures: [{ agg: 'sum', column: 'Total' }],
      dimensions: ['City'],
      filters: [{ column: 'Branch', op: '=', value: 'A' }],
      date_range: { phrase: 'last quarter', start: '2024-07-01', end: '2024-09-30' },
      grain: 'month',
      limit: 5,
    };
    expect(interpretationChips(i).map((c) => c.text)).toEqual([
      'sum(Total)',
      'by City',
      'Branch = A',
      'last quarter (2024-07-01 → 2024-09-30)',
      'per month',
      'top 5',
    ]);
    render(<InterpretationChips interpretation={i} engine="rules" confidence={0.92} />);
    expect(screen.getByText('Sum of total by city')).toBeInTheDocument();
    expect(screen.getByText(/confidence 92%/)).toBeInTheDocument();
  });

  it('reads the server interpretation shape', () => {
    const chips = interpretationChips({
      summary: 'Sum of Total by City',
      measures: [{ aggregation: 'sum', alias: 'sum_total', column: 'Total' }],
      dimensions: [{ alias: 'City', column: 'City', grain: null }, { alias: 'month', column: 'Date', grain: 'month' }],
      filters: [],
      date_range: null,
      ignored_words: ['please'],
    } as never);
    expect(chips.map((c) => c.text)).toEqual(['sum(Total)', 'by City', 'by Date (month)', 'ignored: please']);
  });

  it('always shows the summary even without pieces', () => {
    render(<InterpretationChips interpretation={{ summary: 'Row count' }} />);
    expect(screen.getByText('Row count')).toBeInTheDocument();
    expect(screen.queryByRole('list')).toBeNull();
  });
});
