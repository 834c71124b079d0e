import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { listDataSources } from '../../api/dataSources';
import { useAsync } from '../../hooks/useAsync';
import { DataSourcePicker } from '../DataSourcePicker';
import { QuestionBox } from '../QuestionBox';

/** Dashboard shortcut: pick a source, type a question, land on Analysis with the answer. */
export function QuickAsk() {
  const sources = useAsync(() => listDataSources(1, 100), []);
  const [sid, setSid] = useState('');
  const navigate = useNavigate();
  const items = sources.data?.items ?? [];
  const chosen = sid || items[0]?.id || '';
  return (
    <section aria-labelledby="quick-ask" className="card space-y-3">
      <h2 id="quick-ask" className="font-semibold">
        Ask a question
      </h2>
      {sources.data && items.length === 0 ? (
        <p className="text-sm text-slate-600">
          <Link to="/data-sources" className="link">
            Upload a file
          </Link>{' '}
          to start asking questions.
        </p>
      ) : (
        <>
          {items.length > 1 && <DataSourcePicker sources={items} value={chosen} onChange={setSid} />}
          <QuestionBox disabled={!chosen} onAsk={(q) => navigate(`/analysis?source=${chosen}&q=${encodeURIComponent(q)}`)} />
        </>
      )}
    </section>
  );
}
