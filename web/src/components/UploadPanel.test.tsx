import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { UploadPanel, baseName } from './UploadPanel';

vi.mock('../api/dataSources', async (orig) => ({
  ...(await orig<typeof import('../api/dataSources')>()),
  uploadFile: vi.fn(),
}));
import { uploadFile } from '../api/dataSources';

describe('UploadPanel', () => {
  it('derives a readable name from the file name', () => {
    expect(baseName('supermarket_sales.csv')).toBe('supermarket sales');
  });

  it('shows real upload progress and hands back the data source', async () => {
    let progress: ((f: number) => void) | undefined;
    let resolve: (v: unknown) => void = () => {};
    vi.mocked(uploadFile).mockImplementation((_f, _n, opts) => {
      progress = opts?.onProgress;
      return new Promise((r) => (resolve = r)) as never;
    });
    const onUploaded = vi.fn();
    render(<UploadPanel onUploaded={onUploaded} />);
    const file = new File(['a,b\n1,2\n'], 'sales.csv', { type: 'text/csv' });
    await userEvent.upload(screen.getByLabelText('File to upload'), file);
    expect(screen.getByLabelText('Name')).toHaveValue('sales');
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    act(() => progress!(0.42));
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '42');
    act(() => progress!(1));
    expect(screen.getByText(/processing on the server/)).toBeInTheDocument();
    await act(async () => resolve({ id: 'd1', name: 'sales', row_count: 1 }));
    expect(onUploaded).toHaveBeenCalledWith({ id: 'd1', name: 'sales', row_count: 1 });
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it("shows the API's error message", async () => {
    vi.mocked(uploadFile).mockRejectedValue(
      Object.assign(new Error('x'), { isAxiosError: true, response: { status: 422, data: { error: { code: 'parse_error', message: 'Could not parse the file: no columns found.' } } } }),
    );
    render(<UploadPanel onUploaded={() => {}} />);
    await userEvent.upload(screen.getByLabelText('File to upload'), new File(['\x00\x01'], 'broken.csv'));
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not parse the file: no columns found.');
  });

  it('rejects unsupported file types before uploading', async () => {
    vi.mocked(uploadFile).mockClear();
    render(<UploadPanel onUploaded={() => {}} />);
    const input = screen.getByLabelText('File to upload');
    fireEvent.change(input, { target: { files: [new File(['x'], 'photo.png')] } });
    expect(await screen.findByRole('alert')).toHaveTextContent(/not a supported file/);
    expect(uploadFile).not.toHaveBeenCalled();
  });
});
