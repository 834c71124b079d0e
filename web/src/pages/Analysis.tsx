import { Database, MessageSquareText } from 'lucide-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../api/client';
import { getSuggestions, listDataSources } from '../api/dataSources';
import { askQuestion, executeSql, getQuery } from '../api/queries';
import type { Clarification, NlEngine, QueryRecord } from '../api/types';
import { Alert } from '../components/Alert';
import { AnswerView } from '../components/AnswerView';
import { ClarificationView } from '../components/ClarificationView';
import { DataSourcePicker } from '../components/DataSourcePicker';
import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { QuestionBox } from '../components/QuestionBox';
import { SessionHistory } from '../components/SessionHistory';
import { Spinner } from '../components/Spinner';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useSessionHistory } from '../store/history';

type Current =
  | { kind: 'answer'; record: QueryRecord }
  | { kind: 'clarification'; question: string; message: string; suggestions: string[]; aiAvailable: boolean }
  | null;

export default function Analysis() {
  useDocumentTitle('Analysis');
  const [params, setParams] = useSearchParams();
  const sources = useAsync(() => listDataSources(1, 100), []);
  const [sourceId, setSourceId] = useState(params.get('source') ?? '');
  const [question, setQuestion] = useState(params.get('q') ?? '');
  const [current, setCurrent] = useState<Current>(null);
  const [busy, setBusy] = useState<'ask' | 'sql' | 'load' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const addHistory = useSessionHistory((s) => s.add);
  const handled = useRef<string | null>(null);

  const items = useMemo(() => sources.data?.items ?? [], [sources.data]);
  const names = useMemo(() => Object.fromEntries(items.map((s) => [s.id, s.name])), [items]);

  // Default to the first source once the list is in.
  useEffect(() => {
    if (!sourceId && items.length > 0 && !params.get('query')) setSourceId(items[0].id);
  }, [items, sourceId, params]);

  const suggestions = useAsync(() => (sourceId ? getSuggestions(sourceId) : Promise.resolve([])), [sourceId]);

  async function ask(q: string, sid = sourceId, engine?: NlEngine) {
    if (!sid) return setError('Choose a data source first.');
    setQuestion(q);
    setBusy('ask');
    setError(null);
    try {
      const r = await askQuestion(sid, q, engine);
      if (r.status === 'needs_clarification') {
        const c = r as Clarification;
        setCurrent({ kind: 'clarification', question: q, message: c.message ?? 'Can you say that differently?', suggestions: c.suggestions ?? [], aiAvailable: c.ai_available === true });
        addHistory({ question: q, dataSourceId: sid, kind: 'natural_language', status: 'clarification' });
      } else {
        const rec = r as QueryRecord;
        setCurrent({ kind: 'answer', record: rec });
        addHistory({ queryId: rec.id, question: q, dataSourceId: sid, kind: 'natural_language', status: 'answered' });
      }
    } catch (e) {
      setError(errorMessage(e, 'Could not answer that question.'));
      addHistory({ question: q, dataSourceId: sid, kind: 'natural_language', status: 'error' });
    } finally {
      setBusy(null);
    }
  }

  async function runSql(sql: string, sid = sourceId) {
    if (!sid) return setError('Choose a data source first.');
    setBusy('sql');
    setError(null);
    try {
      const rec = await executeSql(sid, sql);
      setCurrent({ kind: 'answer', record: rec });
      addHistory({ queryId: rec.id, question: sql, dataSourceId: sid, kind: 'sql', status: 'answered' });
    } catch (e) {
      setError(errorMessage(e, 'The SQL did not run.'));
      addHistory({ question: sql, dataSourceId: sid, kind: 'sql', status: 'error' });
    } finally {
      setBusy(null);
    }
  }

  async function openQuery(id: string, rerun: boolean) {
    setBusy('load');
    setError(null);
    try {
      const rec = await getQuery(id);
      const sid = rec.data_source_id ?? '';
      if (sid) setSourceId(sid);
      setQuestion(rec.query_type === 'sql' ? '' : rec.query_text);
      // A stored clarification has no result: ask again to get its suggestions.
      if ((rerun || rec.status === 'needs_clarification') && sid) {
        setBusy(null);
        if (rec.query_type === 'sql') await runSql(rec.interpreted_query || rec.query_text, sid);
        else await ask(rec.query_text, sid);
        return;
      }
      setCurrent({ kind: 'answer', record: rec });
    } catch (e) {
      setError(errorMessage(e, 'Could not open that query.'));
    } finally {
      setBusy((b) => (b === 'load' ? null : b));
    }
  }

  // Deep links: ?query=ID[&rerun=1] opens (or re-runs) a stored query; ?source=ID&sql=...[&q=...]
  // runs SQL with the question ready in the box; ?source=ID&q=... asks at once.
  useEffect(() => {
    const key = params.toString();
    if (handled.current === key) return;
    const qid = params.get('query');
    const q = params.get('q');
    const sid = params.get('source');
    const sql = params.get('sql');
    if (qid) {
      handled.current = key;
      void openQuery(qid, params.get('rerun') === '1');
      setParams({}, { replace: true });
    } else if (sql && sid) {
      // From an insight: run the SQL that proves it, with its question ready to ask.
      handled.current = key;
      if (q) setQuestion(q);
      setSourceId(sid);
      void runSql(sql, sid);
      setParams({ source: sid }, { replace: true });
    } else if (q && (sid || sourceId)) {
      handled.current = key;
      void ask(q, sid || sourceId);
      setParams(sid ? { source: sid } : {}, { replace: true });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params, sourceId]);

  if (sources.loading && !sources.data) return <Spinner label="Loading data sources…" />;
  if (sources.error) return <Alert action={<button className="btn-secondary btn-sm" onClick={sources.reload}>Retry</button>}>{sources.error}</Alert>;

  return (
    <>
      <PageHeader title="Analysis" subtitle="Ask a question about your data in plain English. Every answer shows the SQL behind it." />
      {items.length === 0 ? (
        <EmptyState
          icon={Database}
          title="No data sources yet"
          action={
            <Link to="/data-sources" className="btn-primary">
              Upload a file
            </Link>
          }
        >
          Upload a CSV, Excel or JSON file first, then come back to ask questions about it.
        </EmptyState>
      ) : (
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
          <div className="min-w-0 space-y-5">
            <div className="card space-y-4">
              <DataSourcePicker
                sources={items}
                value={sourceId}
                onChange={(id) => {
                  setSourceId(id);
                  setCurrent(null);
                }}
              />
              <QuestionBox initial={question} suggestions={suggestions.data ?? []} busy={busy === 'ask'} disabled={!sourceId} onAsk={(q) => ask(q)} />
            </div>
            {error && <Alert>{error}</Alert>}
            {busy && <Spinner label={busy === 'sql' ? 'Running SQL…' : busy === 'load' ? 'Opening query…' : 'Working out the answer…'} />}
            {current?.kind === 'clarification' && (
              <ClarificationView
                message={current.message}
                suggestions={current.suggestions}
                onPick={(q) => ask(q)}
                onAskAi={current.aiAvailable ? () => ask(current.question, sourceId, 'llm') : undefined}
                busy={busy === 'ask'}
              />
            )}
            {current?.kind === 'answer' && (
              <AnswerView
                record={current.record}
                onRecordChange={(record) => setCurrent({ kind: 'answer', record })}
                onRunSql={(sql) => runSql(sql, current.record.data_source_id ?? sourceId)}
                runningSql={busy === 'sql'}
              />
            )}
            {!current && !busy && !error && (
              <EmptyState icon={MessageSquareText} title="Ask your first question">
                Pick a suggestion above or type your own, like “total sales by city” or “monthly revenue this year”.
              </EmptyState>
            )}
          </div>
          <aside className="min-w-0">
            <SessionHistory
              dataSourceNames={names}
              onOpen={(e) => {
                if (e.queryId) void openQuery(e.queryId, false);
                else if (e.kind === 'sql') void runSql(e.question, e.dataSourceId);
                else {
                  setSourceId(e.dataSourceId);
                  void ask(e.question, e.dataSourceId);
                }
              }}
            />
          </aside>
        </div>
      )}
    </>
  );
}
