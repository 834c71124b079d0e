import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { updateDataSource } from '../../api/dataSources';
import type { DataSource } from '../../api/types';
import { Alert } from '../Alert';

interface Draft {
  name: string;
  /** The snapshot's snake_case name; SQL accepts it and the header alike. */
  sqlName: string;
  type: string;
  description: string;
  synonyms: string;
}

export function parseSynonyms(s: string): string[] {
  return [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))];
}

/** Column descriptions and synonyms help the question engine link words to columns. */
export function ColumnsEditor({ source, onSaved }: { source: DataSource; onSaved: (ds: DataSource) => void }) {
  const toDrafts = (ds: DataSource): Draft[] =>
    (ds.columns_info ?? []).map((c) => ({ name: c.name, sqlName: c.sql_name, type: String(c.type), description: c.description ?? '', synonyms: (c.synonyms ?? []).join(', ') }));
  const [drafts, setDrafts] = useState<Draft[]>(() => toDrafts(source));
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);

  useEffect(() => setDrafts(toDrafts(source)), [source]);

  const set = (i: number, patch: Partial<Draft>) => setDrafts((d) => d.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  async function save() {
    setBusy(true);
    setMsg(null);
    try {
      const ds = await updateDataSource(source.id, {
        columns: drafts.map((d) => ({ name: d.name, description: d.description.trim(), synonyms: parseSynonyms(d.synonyms) })),
      });
      onSaved(ds);
      setMsg({ kind: 'success', text: 'Column descriptions saved.' });
    } catch (e) {
      setMsg({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      className="space-y-3"
    >
      <p className="text-sm text-slate-600">Describe columns and add synonyms (comma-separated) so questions like “revenue” find the right column.</p>
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Columns</caption>
          <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Column</th>
              <th scope="col" className="px-3 py-2">Type</th>
              <th scope="col" className="px-3 py-2">Description</th>
              <th scope="col" className="px-3 py-2">Synonyms</th>
            </tr>
          </thead>
          <tbody>
            {drafts.map((d, i) => (
              <tr key={d.name} className="border-t border-slate-100 align-top">
                <th scope="row" className="whitespace-nowrap px-3 py-2 text-left font-medium">
                  {d.name}
                  {d.sqlName !== d.name && <span className="block font-mono text-xs font-normal text-slate-500" title="SQL name (SQL accepts either name)">{d.sqlName}</span>}
                </th>
                <td className="px-3 py-2 font-mono text-xs text-slate-600">{d.type}</td>
                <td className="min-w-[14rem] px-3 py-2">
                  <input className="input" aria-label={`Description of ${d.name}`} value={d.description} onChange={(e) => set(i, { description: e.target.value })} />
                </td>
                <td className="min-w-[12rem] px-3 py-2">
                  <input className="input" aria-label={`Synonyms of ${d.name}`} placeholder="e.g. revenue, amount" value={d.synonyms} onChange={(e) => set(i, { synonyms: e.target.value })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
      <button type="submit" className="btn-primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save columns'}
      </button>
    </form>
  );
}
