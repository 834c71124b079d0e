import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../api/client';
import { changePassword } from '../../api/users';
import { isStrongPassword } from '../../lib/password';
import { Alert } from '../Alert';
import { Field } from '../Field';
import { PasswordChecklist } from '../PasswordChecklist';

export function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setMsg(null);
    if (!current) return setMsg({ kind: 'error', text: 'Enter your current password.' });
    if (!isStrongPassword(next)) return setMsg({ kind: 'error', text: 'The new password does not meet every requirement yet.' });
    if (next !== confirm) return setMsg({ kind: 'error', text: 'The new passwords do not match.' });
    setBusy(true);
    try {
      await changePassword({ current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      setMsg({ kind: 'success', text: 'Password changed.' });
    } catch (err) {
      setMsg({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="password-title" className="card">
      <h2 id="password-title" className="mb-4 font-semibold">
        Change password
      </h2>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        <Field label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} hint={<PasswordChecklist password={next} />} />
        <Field label="Confirm new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
