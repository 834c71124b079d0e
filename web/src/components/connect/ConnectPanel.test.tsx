import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { column } from '../../test/fixtures';
import { buildApi, buildDatabase, emptyApi, emptyDatabase, parsePairs } from './build';
import { ConnectPanel } from './ConnectPanel';

vi.mock('../../api/connections', () => ({
  connectApi: vi.fn(),
  connectDatabase: vi.fn(),
  connectSheets: vi.fn(),
  testConnection: vi.fn(),
  syncDataSource: vi.fn(),
}));
import { connectApi, connectDatabase, connectSheets, testConnection } from '../../api/connections';

const apiError = (code: string, message: string) =>
  Object.assign(new Error('x'), { isAxiosError: true, response: { status: 422, data: { error: { code, message } } } });

const preview = {
  columns: [column('id', 'integer'), column('region', 'string'), column('amount', 'integer')],
  rows: [
    [1, 'EU', 10],
    [2, 'US', 20],
  ],
  row_count: 2,
};

async function open() {
  const user = userEvent.setup();
  render(<ConnectPanel onConnected={onConnected} />);
  await user.click(screen.getByRole('button', { name: 'Connect…' }));
  return user;
}

const onConnected = vi.fn();
beforeEach(() => {
  vi.mocked(testConnection).mockReset();
  vi.mocked(connectApi).mockReset();
  vi.mocked(connectDatabase).mockReset();
  vi.mocked(connectSheets).mockReset();
  onConnected.mockReset();
});

describe('REST API form', () => {
  it('builds the request from the fields, shows the preview after "Test connection", then saves', async () => {
    vi.mocked(testConnection).mockResolvedValue(preview);
    vi.mocked(connectApi).mockResolvedValue({ id: 'd9', name: 'Orders' } as never);
    const user = await open();
    const save = screen.getByRole('button', { name: 'Save' });
    expect(save).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Test connection' })).toBeDisabled();

    await user.type(screen.getByLabelText('URL'), 'api.example.com/orders');
    expect(screen.getByText(/starting with http:\/\/ or https:\/\//)).toBeInTheDocument();
    expect(save).toBeDisabled();
    await user.clear(screen.getByLabelText('URL'));
    await user.type(screen.getByLabelText('URL'), 'https://api.example.com/orders');
    await user.type(screen.getByLabelText('Records path'), '$.data[[*]');
    await user.selectOptions(screen.getByLabelText('Authentication'), 'bearer');
    expect(save).toBeDisabled(); // the token is missing
    await user.type(screen.getByLabelText('Token'), 's3cret');
    // Advanced settings
    await user.click(screen.getByText(/Advanced: headers, pagination, limits/));
    await user.type(screen.getByLabelText('Headers'), 'Accept: application/json');
    await user.type(screen.getByLabelText('Query parameters'), 'status=shipped');
    await user.selectOptions(screen.getByLabelText('Pagination'), 'page_number');
    await user.type(screen.getByLabelText('Page parameter'), 'p');
    await user.type(screen.getByLabelText('Page size'), '50');
    await user.type(screen.getByLabelText('Max records'), '500');
    await user.type(screen.getByLabelText('Name'), 'Orders');
    await user.selectOptions(screen.getByLabelText('Sync schedule'), 'Every hour');
    expect(save).toBeEnabled();

    const settings = {
      url: 'https://api.example.com/orders',
      records_path: '$.data[*]',
      auth: { type: 'bearer', token: 's3cret' },
      headers: { Accept: 'application/json' },
      query: { status: 'shipped' },
      pagination: { type: 'page_number', param: 'p', size: 50 },
      max_records: 500,
    };
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(testConnection).toHaveBeenCalledWith({ kind: 'api', ...settings });
    const table = await screen.findByRole('region', { name: 'Connection preview' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByRole('cell', { name: 'EU' })).toBeInTheDocument();
    expect(screen.getByText(/The connection works: the first 2 rows, 3 columns/)).toBeInTheDocument();

    await user.click(save);
    expect(connectApi).toHaveBeenCalledWith({ name: 'Orders', sync_interval_minutes: 60, ...settings });
    expect(onConnected).toHaveBeenCalledWith({ id: 'd9', name: 'Orders' });
    // The panel closes (and forgets the settings) once the source is saved.
    expect(screen.queryByLabelText('URL')).toBeNull();
  });

  it("shows the server's error message when the test fails, and forgets a preview when the settings change", async () => {
    vi.mocked(testConnection)
      .mockResolvedValueOnce(preview)
      .mockRejectedValueOnce(apiError('connection_unauthorized', 'The API answered 401 Unauthorized: check the credentials.'));
    const user = await open();
    await user.type(screen.getByLabelText('URL'), 'https://api.example.com/orders');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByRole('region', { name: 'Connection preview' })).toBeInTheDocument();
    await user.type(screen.getByLabelText('URL'), '/v2');
    expect(screen.queryByRole('region', { name: 'Connection preview' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The API answered 401 Unauthorized: check the credentials.');
    expect(testConnection).toHaveBeenLastCalledWith({ kind: 'api', url: 'https://api.example.com/orders/v2' });
  });
});

describe('Database form', () => {
  it('builds a table connection and shows the preview', async () => {
    vi.mocked(testConnection).mockResolvedValue(preview);
    vi.mocked(connectDatabase).mockResolvedValue({ id: 'd2', name: 'orders' } as never);
    const user = await open();
    await user.click(screen.getByRole('tab', { name: 'Database' }));
    const save = screen.getByRole('button', { name: 'Save' });
    await user.type(screen.getByLabelText('Host'), 'db.internal');
    await user.type(screen.getByLabelText('Port'), '6543');
    await user.type(screen.getByLabelText('Database name'), 'shop');
    await user.type(screen.getByLabelText('User'), 'reader');
    expect(save).toBeDisabled(); // no table yet
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.type(screen.getByLabelText('Table'), 'public.orders');
    await user.selectOptions(screen.getByLabelText('TLS'), 'require');
    expect(save).toBeEnabled();
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const settings = { engine: 'postgres', host: 'db.internal', port: 6543, database: 'shop', user: 'reader', password: 'pw', tls_mode: 'require', table: 'public.orders' };
    expect(testConnection).toHaveBeenCalledWith({ kind: 'database', ...settings });
    expect(await screen.findByRole('region', { name: 'Connection preview' })).toBeInTheDocument();
    await user.click(save);
    expect(connectDatabase).toHaveBeenCalledWith(settings);
    expect(onConnected).toHaveBeenCalled();
  });

  it("reads a SQL query and shows the server's error on Save", async () => {
    vi.mocked(connectDatabase).mockRejectedValue(apiError('read_only_violation', 'Only a read-only SELECT can be run.'));
    const user = await open();
    await user.click(screen.getByRole('tab', { name: 'Database' }));
    await user.selectOptions(screen.getByLabelText('Engine'), 'mysql');
    expect(screen.getByLabelText('Port')).toHaveAttribute('placeholder', '3306');
    await user.type(screen.getByLabelText('Host'), '10.0.0.5');
    await user.type(screen.getByLabelText('Database name'), 'shop');
    await user.type(screen.getByLabelText('User'), 'reader');
    await user.click(screen.getByLabelText('A SQL query'));
    expect(screen.queryByLabelText('Table')).toBeNull();
    await user.type(screen.getByLabelText('SQL query'), 'DELETE FROM orders');
    expect(screen.getByText(/Only one read-only SELECT/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    await user.clear(screen.getByLabelText('SQL query'));
    await user.type(screen.getByLabelText('SQL query'), 'SELECT region, amount FROM orders');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(connectDatabase).toHaveBeenCalledWith({ engine: 'mysql', host: '10.0.0.5', database: 'shop', user: 'reader', tls_mode: 'prefer', query: 'SELECT region, amount FROM orders' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Only a read-only SELECT can be run.');
    expect(onConnected).not.toHaveBeenCalled();
  });
});

describe('Google Sheet form', () => {
  it('checks the link and sends the sheet and tab', async () => {
    vi.mocked(connectSheets).mockResolvedValue({ id: 'd3', name: 'Budget' } as never);
    const user = await open();
    await user.click(screen.getByRole('tab', { name: 'Google Sheet' }));
    await user.type(screen.getByLabelText('Google Sheet link'), 'https://example.com/sheet');
    expect(screen.getByText(/Paste the link of a Google Sheet/)).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Google Sheet link'));
    await user.type(screen.getByLabelText('Google Sheet link'), 'https://docs.google.com/spreadsheets/d/abc123/edit#gid=0');
    await user.type(screen.getByLabelText('Tab'), 'Q1');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(connectSheets).toHaveBeenCalledWith({ url: 'https://docs.google.com/spreadsheets/d/abc123/edit#gid=0', sheet: 'Q1' });
  });

  it('keeps what was typed when switching tabs', async () => {
    const user = await open();
    await user.type(screen.getByLabelText('URL'), 'https://api.example.com/x');
    await user.click(screen.getByRole('tab', { name: 'Google Sheet' }));
    await user.click(screen.getByRole('tab', { name: 'REST API' }));
    expect(screen.getByLabelText('URL')).toHaveValue('https://api.example.com/x');
  });
});

describe('request builders', () => {
  it('parses header and query lines', () => {
    expect(parsePairs('A: b\n\n X-Y :  z:1 ', ':')).toEqual({ A: 'b', 'X-Y': 'z:1' });
    expect(parsePairs('no separator', '=')).toBeNull();
  });

  it('leaves defaults out and reports wrong limits', () => {
    expect(buildApi({ ...emptyApi(), url: 'http://127.0.0.1:8080/orders' }).settings).toEqual({ url: 'http://127.0.0.1:8080/orders' });
    const bad = buildApi({ ...emptyApi(), url: 'https://x.io', maxPages: '5000', paginationType: 'cursor' });
    expect(bad.settings).toBeNull();
    expect(bad.errors.maxPages).toMatch(/1,000/);
    const post = buildApi({ ...emptyApi(), url: 'https://x.io', method: 'POST', body: '{"a":1}', paginationType: 'next_url', nextPath: '$.next' });
    expect(post.settings).toEqual({ url: 'https://x.io', method: 'POST', body: { a: 1 }, pagination: { type: 'next_url', next_path: '$.next' } });
    expect(buildApi({ ...emptyApi(), url: 'https://x.io', method: 'POST', body: '{' }).errors.body).toMatch(/not valid JSON/);
  });

  it('checks database fields', () => {
    expect(buildDatabase({ ...emptyDatabase(), host: 'h', database: 'd', user: 'u', table: 't', port: '99999' }).errors.port).toBeTruthy();
    expect(buildDatabase({ ...emptyDatabase(), host: 'postgres://h', database: 'd', user: 'u', table: 't' }).errors.host).toBeTruthy();
  });
});
