import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { resetPassword } from '../api/auth';
import { errorMessage } from '../api/client';
import { Alert } from '../components/Alert';
import { AuthCard } from '../components/AuthCard';
import { Field } from '../components/Field';
import { PasswordChecklist } from '../components/PasswordChecklist';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { isStrongPassword } from '../lib/password';

export default function ResetPassword() {
  useDocumentTitle('Choose a new password');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!isStrongPassword(password)) return setError('The password does not meet every requirement yet.');
    if (password !== confirm) return setError('The passwords do not match.');
    setBusy(true);
    try {
      await resetPassword(token, password);
      navigate('/login?reset=1', { replace: true });
    } catch (err) {
      setError(errorMessage(err, 'Could not reset the password.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title="Choose a new password">
      {!token ? (
        <div className="space-y-4">
          <Alert>This link has no reset token. Open the link from your email again, or request a new one.</Alert>
          <Link to="/forgot-password" className="link">
            Request a new link
          </Link>
        </div>
      ) : (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            hint={<PasswordChecklist password={password} />}
            required
          />
          <Field
            label="Confirm new password"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            required
          />
          {error && <Alert>{error}</Alert>}
          <button type="submit" className="btn-primary w-full" disabled={busy}>
            {busy ? 'Saving…' : 'Set new password'}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
