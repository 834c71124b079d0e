import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { QueryRecord } from '../api/types';
import { answer, column, interpretation, spec } from '../test/fixtures';
import { AnswerView } from './AnswerView';

vi.mock('../api/queries', () => ({
  saveQuery: vi.fn(async () => ({ is_saved: true })),
  unsaveQuery: vi.fn(async () => ({ is_saved: false })),
  exportQuery: vi.fn(async () => undefined),
}));
vi.mock('../api/visualizations', () => ({
  createVisualization: vi.fn(async () => ({ id: 'v-new' })),
  updateVisualization: vi.fn(async (id: string) => ({ id })),
}));
import { exportQuery, saveQuery } from '../api/queries';
import { updateVisualization } from '../api/visualizations';

const record: QueryRecord = answer({
  data_source_id: 'd1',
  query_text: 'total sales by city',
  query_type: 'natural_language',
  interpreted_query: 'SELECT city, SUM(total) AS total_sales FROM sales GROUP BY 1',
  interpretation: interpretation({
    summary: 'Sum of Total for each City',
    measures: [{ aggregation: 'sum', alias: 'total_sales', column: 'Total' }],
    dimensions: [{ alias: 'city', column: 'City', grain: null }],
  }),
  engine: 'rules',
  confidence: 0.9,
  result_data: {
    columns: [
      column('city', 'string'),
      column('total_sales', 'float'),
    ],
    rows: [
      ['Naypyitaw', 110568.7065],
      ['Yangon', 106200.3705],
    ],
    row_count: 2,
    truncated: false,
  },
  visualizations: [{ id: 'v1', chart_type: 'bar', config: spec({ chart_type: 'bar', x_key: 'city', y_keys: ['total_sales'], number_format: 'currency' }) }],
  execution_time_ms: 12,
  is_saved: false,
  created_at: '2026-01-01T00:00:00Z',
});

describe('AnswerView', () => {
  it('shows the interpretation, the chart type from the spec, the table and the SQL', async () => {
    render(<AnswerView record={record} />);
    expect(screen.getByText('Sum of Total for each City')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Bar' })).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByRole('cell', { name: '110,568.7065' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'SQL' }));
    expect(screen.getByText(/SELECT city/)).toBeInTheDocument();
  });

  it('switches chart type and saves the chart by updating its visualization', async () => {
    render(<AnswerView record={record} />);
    await userEvent.click(screen.getByRole('radio', { name: 'Pie' }));
    expect(screen.getByRole('radio', { name: 'Pie' })).toHaveAttribute('aria-checked', 'true');
    await userEvent.click(screen.getByRole('button', { name: /Save chart/ }));
    expect(updateVisualization).toHaveBeenCalledWith('v1', expect.objectContaining({ chart_type: 'pie', config_json: expect.objectContaining({ chart_type: 'pie', x_key: 'city' }) }));
    expect(await screen.findByText('Chart saved with this query.')).toBeInTheDocument();
  });

  it('saves the query and exports CSV', async () => {
    const onChange = vi.fn();
    render(<AnswerView record={record} onRecordChange={onChange} />);
    await userEvent.click(screen.getByRole('button', { name: /Save query/ }));
    expect(saveQuery).toHaveBeenCalledWith('q1');
    expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ id: 'q1', is_saved: true }));
    await userEvent.click(screen.getByRole('button', { name: 'CSV' }));
    expect(exportQuery).toHaveBeenCalledWith('q1', 'csv');
  });

  it('edits the SQL and hands it to the runner', async () => {
    const onRunSql = vi.fn();
    render(<AnswerView record={record} onRunSql={onRunSql} />);
    await userEvent.click(screen.getByRole('button', { name: /Edit/ }));
    const editor = screen.getByLabelText('Edit the SQL and run it');
    await userEvent.clear(editor);
    await userEvent.type(editor, 'SELECT 1');
    await userEvent.click(screen.getByRole('button', { name: 'Run SQL' }));
    expect(onRunSql).toHaveBeenCalledWith('SELECT 1');
  });
});
