import { render, screen } from '@testing-library/react';
import type { Interpretation } from '../api/types';
import { InterpretationChips, interpretationChips } from './InterpretationChips';

/** An interpretation as the server sends it: every field present. */
function reading(parts: Partial<Interpretation>): Interpretation {
  return {
    summary: '',
    measures: [],
    dimensions: [],
    filters: [],
    columns: [],
    date_range: null,
    grain: null,
    order: null,
    limit: null,
    ignored_words: [],
    ...parts,
  };
}

describe('interpretation chips', () => {
  it('renders the summary and readable chips for each piece', () => {
    const i = reading({
      summary: 'Sum of total by city',
      measures: [
        { aggregation: 'sum', alias: 'total', column: 'Total' },
        { aggregation: 'count', alias: 'n', column: null },
      ],
      dimensions: [
        { alias: 'City', column: 'City', grain: null },
        { alias: 'month', column: 'Date', grain: 'month' },
      ],
      filters: [{ column: 'Branch', op: '=', phrase: 'branch A', values: ['A'] }],
      date_range: { column: 'Date', phrase: 'last quarter', text: 'last quarter', start: '2024-07-01', end: '2024-09-30' },
      grain: 'month',
      order: { by: 'total', descending: true },
      limit: 5,
      ignored_words: ['please'],
    });
    expect(interpretationChips(i).map((c) => c.text)).toEqual([
      'sum(Total)',
      'count of rows',
      'by City',
      'by Date (month)',
      'Branch = A',
      'last quarter (2024-07-01 → 2024-09-30)',
      'per month',
      'sorted by total, highest first',
      'top 5',
      'ignored: please',
    ]);
    render(<InterpretationChips interpretation={i} engine="rules" confidence={0.92} />);
    expect(screen.getByText('Sum of total by city')).toBeInTheDocument();
    expect(screen.getByText(/confidence 92%/)).toBeInTheDocument();
  });

  it('always shows the summary even without pieces', () => {
    render(<InterpretationChips interpretation={reading({ summary: 'Row count' })} />);
    expect(screen.getByText('Row count')).toBeInTheDocument();
    expect(screen.queryByRole('list')).toBeNull();
  });
});
