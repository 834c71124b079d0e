import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { dataSource } from '../test/fixtures';
import DataSources from './DataSources';

vi.mock('../api/dataSources', async (orig) => ({
  ...(await orig<typeof import('../api/dataSources')>()),
  listDataSources: vi.fn(),
  getDataSource: vi.fn(),
}));
vi.mock('../api/connections', () => ({
  connectApi: vi.fn(),
  connectDatabase: vi.fn(),
  connectSheets: vi.fn(),
  testConnection: vi.fn(),
  syncDataSource: vi.fn(),
}));
import { getDataSource, listDataSources } from '../api/dataSources';
import { syncDataSource } from '../api/connections';

const orders = dataSource({
  id: 'api1',
  name: 'Orders',
  type: 'api',
  row_count: 3,
  connection: { kind: 'api', settings: { url: 'http://127.0.0.1:9/orders', method: 'GET' } },
});
const file = dataSource({ id: 'csv1', name: 'Uploaded', type: 'csv' });
const broken = dataSource({ id: 'db1', name: 'Warehouse', type: 'database', status: 'error', status_message: 'password authentication failed for user "reader"' });

function page() {
  vi.mocked(listDataSources).mockResolvedValue({ items: [orders, file, broken], total: 3, page: 1, page_size: 20 });
  render(
    <MemoryRouter>
      <DataSources />
    </MemoryRouter>,
  );
}

afterEach(() => {
  vi.useRealTimers();
});

it('shows each source type, its status, and why a source is in error; files have no "Sync now"', async () => {
  page();
  const table = await screen.findByTestId('sources-table');
  const rows = within(table).getAllByRole('row');
  const row = (name: string) => rows.find((r) => r.textContent?.includes(name))!;
  expect(row('Orders')).toHaveTextContent('REST API');
  expect(row('Uploaded')).toHaveTextContent('File');
  expect(row('Warehouse')).toHaveTextContent('Database');
  expect(within(row('Warehouse')).getByTestId('status-badge')).toHaveTextContent('error');
  expect(within(row('Warehouse')).getByTestId('status-message')).toHaveTextContent('password authentication failed');
  expect(within(row('Orders')).getByRole('button', { name: 'Sync now: Orders' })).toBeEnabled();
  expect(within(row('Uploaded')).queryByRole('button', { name: /Sync now/ })).toBeNull();
});

it('"Sync now" starts a sync and polls every second until the source is no longer syncing', async () => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  vi.mocked(syncDataSource).mockResolvedValue({ id: 'api1', status: 'syncing', started: true });
  vi.mocked(getDataSource)
    .mockReset()
    .mockResolvedValueOnce({ ...orders, status: 'syncing' })
    .mockResolvedValueOnce({ ...orders, status: 'connected', row_count: 4, version: 2 });
  page();
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
  const table = await screen.findByTestId('sources-table');
  const row = () => within(table).getAllByRole('row').find((r) => r.textContent?.includes('Orders'))!;
  await user.click(within(row()).getByRole('button', { name: 'Sync now: Orders' }));
  expect(syncDataSource).toHaveBeenCalledWith('api1');

  const badge = () => within(row()).getByTestId('status-badge');
  expect(badge()).toHaveTextContent('syncing');
  expect(badge().querySelector('svg.animate-spin')).not.toBeNull();
  expect(within(row()).getByRole('button', { name: 'Syncing…: Orders' })).toBeDisabled();
  expect(getDataSource).not.toHaveBeenCalled();

  await act(() => vi.advanceTimersByTimeAsync(1000));
  expect(getDataSource).toHaveBeenCalledTimes(1);
  expect(badge()).toHaveTextContent('syncing');

  await act(() => vi.advanceTimersByTimeAsync(1000));
  expect(getDataSource).toHaveBeenCalledTimes(2);
  expect(badge()).toHaveTextContent('connected');
  expect(within(row()).getByTestId('row-count')).toHaveTextContent('4');

  // Done: no more polling.
  await act(() => vi.advanceTimersByTimeAsync(3000));
  expect(getDataSource).toHaveBeenCalledTimes(2);
});

it("shows the server's message when a sync cannot start", async () => {
  vi.mocked(syncDataSource).mockRejectedValue(
    Object.assign(new Error('x'), { isAxiosError: true, response: { status: 409, data: { error: { code: 'not_a_connected_source', message: 'Uploaded files cannot be synced.' } } } }),
  );
  page();
  const user = userEvent.setup();
  const table = await screen.findByTestId('sources-table');
  await user.click(within(table).getByRole('button', { name: 'Sync now: Orders' }));
  expect(await within(table).findByRole('alert')).toHaveTextContent('Uploaded files cannot be synced.');
});
