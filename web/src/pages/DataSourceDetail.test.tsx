import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { dataSource } from '../test/fixtures';
import { driftSummary } from '../components/datasource/Sync';
import DataSourceDetail from './DataSourceDetail';

vi.mock('../api/dataSources', async (orig) => ({
  ...(await orig<typeof import('../api/dataSources')>()),
  getDataSource: vi.fn(),
  getPreview: vi.fn(async () => ({ columns: [], rows: [], total_rows: 0, offset: 0, limit: 50 })),
  updateDataSource: vi.fn(),
}));
vi.mock('../api/connections', () => ({ syncDataSource: vi.fn() }));
import { getDataSource, getPreview, updateDataSource } from '../api/dataSources';
import { syncDataSource } from '../api/connections';

const db = dataSource({
  id: 'db1',
  name: 'Orders table',
  type: 'database',
  row_count: 3,
  connection: { kind: 'database', settings: { engine: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', password: '********', table: 'orders' } },
  sync_interval_minutes: null,
  last_synced_at: new Date(Date.now() - 5 * 60_000).toISOString(),
  last_sync: {
    finished_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    rows_before: 2,
    rows_after: 3,
    duration_ms: 41,
    drift: { added: ['channel', 'coupon'], removed: [], changed: [{ column: 'amount', from: 'integer', to: 'float' }] },
  },
});

function detail() {
  render(
    <MemoryRouter initialEntries={['/data-sources/db1']}>
      <Routes>
        <Route path="/data-sources/:id" element={<DataSourceDetail />} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.useRealTimers());

it('summarizes schema drift', () => {
  expect(driftSummary({ added: ['a', 'b'], removed: [], changed: [] })).toBe('2 columns added (a, b)');
  expect(driftSummary({ added: [], removed: ['x'], changed: [{ column: 'n', from: 'integer', to: 'string' }] })).toBe('1 column removed (x); 1 column retyped (n: integer → string)');
  expect(driftSummary({ added: [], removed: [], changed: [] })).toBeNull();
});

it('shows where the source reads from, the last sync with its drift, and saves the schedule', async () => {
  vi.mocked(getDataSource).mockResolvedValue(db);
  vi.mocked(updateDataSource).mockResolvedValue({ ...db, sync_interval_minutes: 1440 });
  detail();
  await screen.findByRole('heading', { name: 'Orders table' });
  expect(screen.getByText('Database')).toBeInTheDocument();
  expect(screen.getByTestId('connection-summary')).toHaveTextContent('PostgreSQL postgres@127.0.0.1:5432/test · table orders');
  expect(screen.getByTestId('last-sync')).toHaveTextContent('Last synced 5 min ago · 2 → 3 rows in 41 ms');
  expect(screen.getByTestId('sync-drift')).toHaveTextContent('2 columns added (channel, coupon); 1 column retyped (amount: integer → float)');

  const schedule = screen.getByLabelText('Sync schedule');
  expect(schedule).toHaveValue('0');
  await userEvent.selectOptions(schedule, 'Every day');
  expect(updateDataSource).toHaveBeenCalledWith('db1', { sync_interval_minutes: 1440 });
  expect(screen.getByLabelText('Sync schedule')).toHaveValue('1440');
});

it('Sync now: the badge spins until the sync is done, then the preview is read again', async () => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  vi.mocked(getDataSource)
    .mockReset()
    .mockResolvedValueOnce(db)
    .mockResolvedValueOnce({ ...db, status: 'syncing' })
    .mockResolvedValueOnce({ ...db, status: 'connected', row_count: 4, version: 2 });
  vi.mocked(syncDataSource).mockResolvedValue({ id: 'db1', status: 'syncing', started: true });
  detail();
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
  await screen.findByRole('heading', { name: 'Orders table' });
  const previews = vi.mocked(getPreview).mock.calls.length;
  await user.click(screen.getByRole('button', { name: 'Sync now' }));
  expect(screen.getByTestId('status-badge')).toHaveTextContent('syncing');
  expect(screen.getByRole('button', { name: 'Syncing…' })).toBeDisabled();
  await act(() => vi.advanceTimersByTimeAsync(1000));
  expect(screen.getByTestId('status-badge')).toHaveTextContent('syncing');
  await act(() => vi.advanceTimersByTimeAsync(1000));
  expect(screen.getByTestId('status-badge')).toHaveTextContent('connected');
  expect(screen.getByTestId('detail-rows')).toHaveTextContent('4');
  expect(vi.mocked(getPreview).mock.calls.length).toBeGreaterThan(previews);
});

it('explains a failed sync with the server message', async () => {
  vi.mocked(getDataSource).mockReset().mockResolvedValue({ ...db, status: 'error', status_message: 'connection refused (127.0.0.1:5432)' });
  detail();
  expect(await screen.findByRole('alert')).toHaveTextContent('The last sync failed: connection refused (127.0.0.1:5432) Questions are answered from the previous data.');
  expect(screen.getByTestId('status-badge')).toHaveTextContent('error');
});
