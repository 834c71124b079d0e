import { useState } from 'react';
import { getPreview } from '../../api/dataSources';
import { useAsync } from '../../hooks/useAsync';
import { Alert } from '../Alert';
import { Pagination } from '../Pagination';
import { ResultTable } from '../ResultTable';
import { Spinner } from '../Spinner';

const LIMIT = 50;

export function PreviewTab({ id }: { id: string }) {
  const [page, setPage] = useState(1);
  const p = useAsync(() => getPreview(id, (page - 1) * LIMIT, LIMIT), [id, page]);
  if (p.error) return <Alert action={<button className="btn-secondary btn-sm" onClick={p.reload}>Retry</button>}>{p.error}</Alert>;
  if (!p.data) return <Spinner label="Loading rows…" />;
  return (
    <div aria-busy={p.loading}>
      <ResultTable columns={p.data.columns} rows={p.data.rows} caption="Data preview" rowOffset={p.data.offset ?? (page - 1) * LIMIT} maxHeight={520} />
      <Pagination page={page} pageSize={LIMIT} total={p.data.total_rows} onPage={setPage} label="Preview pages" />
    </div>
  );
}
