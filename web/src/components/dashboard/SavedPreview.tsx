import { Link } from 'react-router-dom';
import { listSaved } from '../../api/queries';
import { useAsync } from '../../hooks/useAsync';
import { timeAgo } from '../../lib/format';
import { Alert } from '../Alert';
import { Spinner } from '../Spinner';

export function SavedPreview() {
  const saved = useAsync(() => listSaved({ page: 1, page_size: 5 }), []);
  return (
    <section aria-labelledby="saved-title" className="card">
      <div className="mb-3 flex items-center justify-between">
        <h2 id="saved-title" className="font-semibold">
          Saved queries
        </h2>
        <Link to="/saved" className="link text-sm">
          View all
        </Link>
      </div>
      {saved.loading && !saved.data && <Spinner />}
      {saved.error && <Alert>{saved.error}</Alert>}
      {saved.data && saved.data.items.length === 0 && <p className="text-sm text-slate-500">No saved queries yet. Save an answer on the Analysis page to keep it here.</p>}
      {saved.data && saved.data.items.length > 0 && (
        <ul className="space-y-2">
          {saved.data.items.map((q) => (
            <li key={q.id} className="text-sm">
              <Link to={`/analysis?query=${q.id}`} className="link break-words font-normal">
                {q.query_text}
              </Link>
              <div className="text-xs text-slate-500">{timeAgo(q.created_at)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
