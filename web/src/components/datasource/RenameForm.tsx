import { Check, Pencil, X } from 'lucide-react';
import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { updateDataSource } from '../../api/dataSources';
import type { DataSource } from '../../api/types';
import { Alert } from '../Alert';

/** The data source's name and description, editable in place. */
export function RenameForm({ source, onSaved }: { source: DataSource; onSaved: (ds: DataSource) => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(source.name);
  const [description, setDescription] = useState(source.description ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!editing) {
    return (
      <div className="min-w-0">
        <div className="flex items-center gap-2">
          <h1 className="min-w-0 break-words text-2xl font-bold tracking-tight">{source.name}</h1>
          <button
            type="button"
            className="btn-ghost btn-sm"
            onClick={() => {
              setName(source.name);
              setDescription(source.description ?? '');
              setEditing(true);
            }}
          >
            <Pencil size={14} aria-hidden /> Rename
          </button>
        </div>
        {source.description && <p className="mt-1 text-sm text-slate-600">{source.description}</p>}
      </div>
    );
  }

  return (
    <form
      className="w-full max-w-xl space-y-2"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!name.trim()) return setError('The name cannot be empty.');
        setBusy(true);
        setError(null);
        try {
          onSaved(await updateDataSource(source.id, { name: name.trim(), description: description.trim() }));
          setEditing(false);
        } catch (err) {
          setError(errorMessage(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <label htmlFor="ds-name" className="label">Name</label>
      <input id="ds-name" className="input text-lg font-semibold" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      <label htmlFor="ds-desc" className="label">Description</label>
      <input id="ds-desc" className="input" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What is in this data?" />
      {error && <Alert>{error}</Alert>}
      <div className="flex gap-2">
        <button type="submit" className="btn-primary btn-sm" disabled={busy}>
          <Check size={14} aria-hidden /> Save
        </button>
        <button type="button" className="btn-secondary btn-sm" onClick={() => setEditing(false)} disabled={busy}>
          <X size={14} aria-hidden /> Cancel
        </button>
      </div>
    </form>
  );
}
