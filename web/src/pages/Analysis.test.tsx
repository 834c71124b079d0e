import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import type { QueryRecord } from '../api/types';
import { useSessionHistory } from '../store/history';
import { answer, clarification, column, interpretation } from '../test/fixtures';
import Analysis from './Analysis';

vi.mock('../api/dataSources', () => ({
  listDataSources: vi.fn(async () => ({
    items: [{ id: 'd1', name: 'Sales', type: 'csv', status: 'connected', row_count: 1000, file_size: 1, columns_info: [], created_at: '' }],
    total: 1,
    page: 1,
    page_size: 100,
  })),
  getSuggestions: vi.fn(async () => ['total sales by city']),
}));
vi.mock('../api/queries', () => ({
  askQuestion: vi.fn(),
  executeSql: vi.fn(),
  getQuery: vi.fn(),
  saveQuery: vi.fn(),
  unsaveQuery: vi.fn(),
  exportQuery: vi.fn(),
}));
import { askQuestion } from '../api/queries';

const answered: QueryRecord = answer({
  data_source_id: 'd1',
  query_text: 'total sales by city',
  query_type: 'natural_language',
  interpreted_query: 'SELECT 1',
  interpretation: interpretation({ summary: 'Sum of Total for each City' }),
  result_data: { columns: [column('city', 'string'), column('total', 'float')], rows: [['Yangon', 1.5]], row_count: 1, truncated: false },
  visualizations: [],
  is_saved: false,
  created_at: '',
});

it('asks, shows clarification suggestions, and answers the picked one; history records both', async () => {
  useSessionHistory.getState().clear();
  vi.mocked(askQuestion)
    .mockResolvedValueOnce(clarification({ message: 'Which number do you mean?', suggestions: ['total sales by city'] }))
    .mockResolvedValueOnce(answered);
  render(
    <MemoryRouter initialEntries={['/analysis']}>
      <Analysis />
    </MemoryRouter>,
  );
  const user = userEvent.setup();
  const input = await screen.findByLabelText('Your question');
  await waitFor(() => expect(input).toBeEnabled());
  await user.type(input, 'sales?');
  await user.click(screen.getByRole('button', { name: 'Ask' }));
  expect(askQuestion).toHaveBeenCalledWith('d1', 'sales?', undefined);
  expect(await screen.findByText('Which number do you mean?')).toBeInTheDocument();
  const suggestion = screen.getAllByRole('button', { name: 'total sales by city' });
  await user.click(suggestion[suggestion.length - 1]);
  expect(await screen.findByText('Sum of Total for each City')).toBeInTheDocument();
  expect(screen.getByRole('cell', { name: 'Yangon' })).toBeInTheDocument();
  expect(useSessionHistory.getState().entries.map((e) => e.status)).toEqual(['answered', 'clarification']);
});

it('shows the API error when a question fails', async () => {
  vi.mocked(askQuestion).mockRejectedValueOnce(
    Object.assign(new Error('x'), { isAxiosError: true, response: { status: 422, data: { error: { code: 'unknown_column', message: 'No column matches “profit”.' } } } }),
  );
  render(
    <MemoryRouter initialEntries={['/analysis?source=d1']}>
      <Analysis />
    </MemoryRouter>,
  );
  const user = userEvent.setup();
  const input = await screen.findByLabelText('Your question');
  await waitFor(() => expect(input).toBeEnabled());
  await user.type(input, 'profit by city');
  await user.click(screen.getByRole('button', { name: 'Ask' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('No column matches “profit”.');
});

it('offers "Ask the AI" on a rules clarification and shows how the AI answered', async () => {
  vi.mocked(askQuestion)
    .mockResolvedValueOnce(clarification({ message: 'Which number do you mean?', ai_available: true }))
    .mockResolvedValueOnce({
      ...answered,
      interpretation: null,
      engine: 'llm',
      llm: { model: 'local-model', explanation: 'Total per city.', assumptions: [], prompt_tokens: 900, completion_tokens: 40, attempts: 1 },
    });
  render(
    <MemoryRouter initialEntries={['/analysis?source=d1']}>
      <Analysis />
    </MemoryRouter>,
  );
  const user = userEvent.setup();
  const input = await screen.findByLabelText('Your question');
  await waitFor(() => expect(input).toBeEnabled());
  await user.type(input, 'where do people splurge');
  await user.click(screen.getByRole('button', { name: 'Ask' }));
  await user.click(await screen.findByRole('button', { name: 'Ask the AI' }));
  expect(askQuestion).toHaveBeenLastCalledWith('d1', 'where do people splurge', 'llm');
  expect(await screen.findByText('Total per city.')).toBeInTheDocument();
  expect(screen.getByRole('list', { name: 'Interpretation' })).toHaveTextContent('940 tokens');
});
