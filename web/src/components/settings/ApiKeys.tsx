import { KeyRound, Plus, Trash2 } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { createApiKey, listApiKeys, revokeApiKey } from '../../api/apiKeys';
import { errorMessage } from '../../api/client';
import type { ApiKey, CreatedApiKey } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { formatDate, timeAgo } from '../../lib/format';
import { Alert } from '../Alert';
import { ConfirmDialog } from '../ConfirmDialog';
import { CopyButton } from '../CopyButton';
import { EmptyState } from '../EmptyState';
import { Spinner } from '../Spinner';

export function ApiKeys() {
  const keys = useAsync(() => listApiKeys(), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [toRevoke, setToRevoke] = useState<ApiKey | null>(null);

  async function onCreate(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setError('Give the key a name, e.g. “reporting script”.');
    setBusy(true);
    try {
      const k = await createApiKey(name.trim());
      setCreated(k);
      setName('');
      keys.reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function onRevoke() {
    if (!toRevoke) return;
    setBusy(true);
    setError(null);
    try {
      await revokeApiKey(toRevoke.id);
      if (created?.id === toRevoke.id) setCreated(null);
      keys.reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      setToRevoke(null);
    }
  }

  const list = (keys.data ?? []).filter((k) => k.is_active !== false);

  return (
    <section aria-labelledby="keys-title" className="card">
      <h2 id="keys-title" className="mb-1 font-semibold">
        API keys
      </h2>
      <p className="mb-4 text-sm text-slate-600">
        Call the InsightIQ API from scripts with <code className="rounded bg-slate-100 px-1 font-mono text-xs">Authorization: Bearer iq_…</code>.
      </p>
      <form onSubmit={onCreate} className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="flex-1">
          <label htmlFor="key-name" className="label">
            Key name
          </label>
          <input id="key-name" className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. reporting script" maxLength={100} />
        </div>
        <button type="submit" className="btn-primary" disabled={busy}>
          <Plus size={16} aria-hidden /> Create key
        </button>
      </form>
      {created && (
        <div className="mt-4 rounded-lg border border-green-200 bg-green-50 p-3" role="status" data-testid="new-key">
          <p className="text-sm font-medium text-green-900">Key “{created.key_name}” created. Copy it now — it will not be shown again.</p>
          <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:items-center">
            <code className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1.5 font-mono text-xs" data-testid="new-key-value">
              {created.key}
            </code>
            <div className="flex gap-2">
              <CopyButton text={created.key} label="Copy key" />
              <button type="button" className="btn-ghost btn-sm" onClick={() => setCreated(null)}>
                Done
              </button>
            </div>
          </div>
        </div>
      )}
      {error && (
        <div className="mt-3">
          <Alert>{error}</Alert>
        </div>
      )}
      <div className="mt-5">
        {keys.loading && !keys.data && <Spinner />}
        {keys.error && <Alert action={<button className="btn-secondary btn-sm" onClick={keys.reload}>Retry</button>}>{keys.error}</Alert>}
        {keys.data && list.length === 0 && (
          <EmptyState icon={KeyRound} title="No API keys">
            Create one to use the API from a script.
          </EmptyState>
        )}
        {list.length > 0 && (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200" aria-label="API keys">
            {list.map((k) => (
              <li key={k.id} className="flex flex-col gap-2 px-3 py-2.5 sm:flex-row sm:items-center" data-testid="api-key-row">
                <div className="min-w-0 flex-1">
                  <div className="font-medium">{k.key_name}</div>
                  <div className="text-xs text-slate-500">
                    <code className="font-mono">{k.key_prefix}…</code> · created {formatDate(k.created_at)} · {k.last_used_at ? `last used ${timeAgo(k.last_used_at)}` : 'never used'}
                  </div>
                </div>
                <button type="button" className="btn-secondary btn-sm text-red-700" onClick={() => setToRevoke(k)} aria-label={`Revoke ${k.key_name}`}>
                  <Trash2 size={14} aria-hidden /> Revoke
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <ConfirmDialog open={!!toRevoke} title={`Revoke “${toRevoke?.key_name}”?`} confirmLabel="Revoke key" danger busy={busy} onConfirm={onRevoke} onCancel={() => setToRevoke(null)}>
        Scripts using this key stop working at once.
      </ConfirmDialog>
    </section>
  );
}
