import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { login } from '../api/auth';
import { errorMessage, startSession } from '../api/client';
import { Alert } from '../components/Alert';
import { AuthCard } from '../components/AuthCard';
import { Field } from '../components/Field';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { safeNext } from '../lib/next';
import { useAuth } from '../store/auth';
import { DEMO_EMAIL, DEMO_PASSWORD } from './Landing';

export default function Login() {
  useDocumentTitle('Log in');
  const [params] = useSearchParams();
  const demo = params.get('demo') === '1';
  const [email, setEmail] = useState(demo ? DEMO_EMAIL : params.get('email') ?? '');
  const [password, setPassword] = useState(demo ? DEMO_PASSWORD : '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const expired = useAuth((s) => s.expired);
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    try {
      const t = await login({ email: email.trim(), password });
      startSession(t);
      navigate(next, { replace: true });
    } catch (err) {
      setError(errorMessage(err, 'Could not log in.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard
      title="Log in to InsightIQ"
      footer={
        <>
          New here?{' '}
          <Link to="/register" className="link">
            Create an account
          </Link>
        </>
      }
    >
      {expired && params.get('next') && (
        <div className="mb-4">
          <Alert kind="info">Your session has expired. Log in again to continue where you were.</Alert>
        </div>
      )}
      {params.get('verified') === '1' && (
        <div className="mb-4">
          <Alert kind="success">Your email is verified. You can log in now.</Alert>
        </div>
      )}
      {params.get('reset') === '1' && (
        <div className="mb-4">
          <Alert kind="success">Your password was changed. Log in with the new one.</Alert>
        </div>
      )}
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {error && <Alert>{error}</Alert>}
        <button type="submit" className="btn-primary w-full" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <div className="flex flex-wrap justify-between gap-2 text-sm">
          <Link to="/forgot-password" className="link">
            Forgot your password?
          </Link>
          {!demo && (
            <Link to={`/login?demo=1${params.get('next') ? `&next=${encodeURIComponent(params.get('next')!)}` : ''}`} className="link">
              Use the demo account
            </Link>
          )}
        </div>
      </form>
    </AuthCard>
  );
}
