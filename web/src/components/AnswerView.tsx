import { Bookmark, BookmarkCheck, Download, Pin, Save } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../api/client';
import { pinTile } from '../api/dashboard';
import { exportQuery, saveQuery, unsaveQuery, type ExportFormat } from '../api/queries';
import type { ChartSpec, ChartType, QueryRecord, ResultData } from '../api/types';
import { createVisualization, updateVisualization } from '../api/visualizations';
import { compatibleChartTypes, defaultSpec, resolveSpec, switchChartType } from '../lib/chart';
import { formatCount } from '../lib/format';
import { Alert } from './Alert';
import { ChartTypeSwitcher } from './ChartTypeSwitcher';
import { ChartView } from './charts/ChartView';
import { AiTrace } from './AiTrace';
import { InterpretationChips } from './InterpretationChips';
import { ResultTable } from './ResultTable';
import { SqlPanel } from './SqlPanel';

/** One answered query: interpretation, chart, table, SQL and actions. */
export function AnswerView({
  record,
  onRecordChange,
  onRunSql,
  runningSql = false,
}: {
  record: QueryRecord;
  onRecordChange?: (r: QueryRecord) => void;
  onRunSql?: (sql: string) => void;
  runningSql?: boolean;
}) {
  const result: ResultData = record.result_data ?? { columns: [], rows: [], row_count: 0, truncated: false };
  const serverViz = record.visualizations[0];
  const initialSpec = useMemo<ChartSpec>(
    () => (serverViz ? resolveSpec(serverViz.config, result) : defaultSpec(result)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [record.id],
  );
  const [spec, setSpec] = useState<ChartSpec>(initialSpec);
  const [vizId, setVizId] = useState<string | undefined>(serverViz?.id);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    setSpec(initialSpec);
    setVizId(record.visualizations?.[0]?.id);
    setNotice(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [record.id]);

  const types = compatibleChartTypes(result, spec);
  if (!types.includes(spec.chart_type)) types.unshift(spec.chart_type);

  async function run(label: string, fn: () => Promise<void>) {
    setBusy(label);
    setNotice(null);
    try {
      await fn();
    } catch (e) {
      setNotice({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  }

  const toggleSave = () =>
    run('save', async () => {
      const updated = record.is_saved ? await unsaveQuery(record.id) : await saveQuery(record.id);
      onRecordChange?.({ ...record, ...updated, result_data: updated.result_data ?? record.result_data, is_saved: !record.is_saved });
      setNotice({ kind: 'success', text: record.is_saved ? 'Removed from saved queries.' : 'Saved. Find it under Saved queries.' });
    });

  const saveChart = () =>
    run('chart', async () => {
      const v = vizId ? await updateVisualization(vizId, { chart_type: spec.chart_type, config_json: spec }) : await createVisualization(record.id, spec.chart_type, spec);
      setVizId(v.id);
      setNotice({ kind: 'success', text: 'Chart saved with this query.' });
    });

  const pin = () =>
    run('pin', async () => {
      // A number fits one grid column; a chart reads better across two.
      await pinTile({ query_id: record.id, chart: spec, width: spec.chart_type === 'kpi' ? 1 : 2 });
      setNotice({ kind: 'success', text: 'Pinned to your dashboard.' });
    });

  const doExport = (f: ExportFormat) => run(`export-${f}`, () => exportQuery(record.id, f));

  return (
    <article className="space-y-4" aria-label="Answer">
      {record.interpretation ? (
        <InterpretationChips interpretation={record.interpretation} engine={record.engine} confidence={record.confidence} />
      ) : record.llm ? (
        <AiTrace trace={record.llm} />
      ) : (
        <p className="text-sm text-slate-700">
          <span className="font-medium">{record.query_type === 'sql' ? 'SQL query' : 'Question'}: </span>
          {record.query_text}
        </p>
      )}

      <div className="card">
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          <ChartTypeSwitcher types={types} value={spec.chart_type} onChange={(t: ChartType) => setSpec((s) => switchChartType(s, t))} />
          <div className="flex flex-wrap gap-2">
            <button type="button" className="btn-secondary btn-sm" onClick={toggleSave} disabled={busy !== null} aria-pressed={record.is_saved}>
              {record.is_saved ? <BookmarkCheck size={14} aria-hidden /> : <Bookmark size={14} aria-hidden />}
              {record.is_saved ? 'Saved' : 'Save query'}
            </button>
            <button type="button" className="btn-secondary btn-sm" onClick={saveChart} disabled={busy !== null}>
              <Save size={14} aria-hidden /> {busy === 'chart' ? 'Saving…' : 'Save chart'}
            </button>
            {record.data_source_id && record.interpreted_query && (
              <button type="button" className="btn-secondary btn-sm" onClick={pin} disabled={busy !== null}>
                <Pin size={14} aria-hidden /> {busy === 'pin' ? 'Pinning…' : 'Pin to dashboard'}
              </button>
            )}
            <button type="button" className="btn-secondary btn-sm" onClick={() => doExport('csv')} disabled={busy !== null}>
              <Download size={14} aria-hidden /> CSV
            </button>
            <button type="button" className="btn-secondary btn-sm" onClick={() => doExport('xlsx')} disabled={busy !== null}>
              <Download size={14} aria-hidden /> XLSX
            </button>
          </div>
        </div>
        {notice && (
          <div className="mb-3">
            <Alert kind={notice.kind}>{notice.text}</Alert>
          </div>
        )}
        <ChartView spec={spec} result={result} />
      </div>

      <section aria-label="Result rows">
        <div className="mb-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
          <span>
            {formatCount(result.row_count)} row{result.row_count === 1 ? '' : 's'}
          </span>
          {typeof record.execution_time_ms === 'number' && <span>{record.execution_time_ms} ms</span>}
          {record.cached && <span>from cache</span>}
          {result.truncated && <span className="text-amber-700">result truncated — refine the question or export it</span>}
        </div>
        <ResultTable columns={result.columns} rows={result.rows} caption="Query result" />
      </section>

      {record.interpreted_query && <SqlPanel sql={record.interpreted_query} onRun={onRunSql} running={runningSql} />}
    </article>
  );
}
