import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { login, register } from '../api/auth';
import { errorMessage, startSession } from '../api/client';
import { Alert } from '../components/Alert';
import { AuthCard } from '../components/AuthCard';
import { Field } from '../components/Field';
import { PasswordChecklist } from '../components/PasswordChecklist';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { isEmail, isStrongPassword } from '../lib/password';

export default function Register() {
  useDocumentTitle('Sign up');
  const [fullName, setFullName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();

  const problems = {
    fullName: fullName.trim() ? null : 'Enter your name.',
    email: isEmail(email) ? null : 'Enter a valid email address.',
    password: isStrongPassword(password) ? null : 'The password does not meet every requirement yet.',
    confirm: confirm === password ? null : 'The passwords do not match.',
  };
  const valid = Object.values(problems).every((p) => p === null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setError(null);
    if (!valid) return;
    setBusy(true);
    try {
      await register({ email: email.trim(), password, full_name: fullName.trim() });
      try {
        const t = await login({ email: email.trim(), password });
        startSession(t);
        navigate('/dashboard?welcome=1', { replace: true });
      } catch {
        navigate(`/login?email=${encodeURIComponent(email.trim())}`, { replace: true });
      }
    } catch (err) {
      setError(errorMessage(err, 'Could not create the account.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard
      title="Create your account"
      footer={
        <>
          Already have an account?{' '}
          <Link to="/login" className="link">
            Log in
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field
          label="Full name"
          autoComplete="name"
          value={fullName}
          onChange={(e) => setFullName(e.target.value)}
          error={touched ? problems.fullName : null}
          required
        />
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={touched ? problems.email : null}
          required
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={touched ? problems.password : null}
          hint={<PasswordChecklist password={password} />}
          required
        />
        <Field
          label="Confirm password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={touched || confirm ? problems.confirm : null}
          required
        />
        {error && <Alert>{error}</Alert>}
        <button type="submit" className="btn-primary w-full" disabled={busy}>
          {busy ? 'Creating account…' : 'Sign up'}
        </button>
      </form>
    </AuthCard>
  );
}
