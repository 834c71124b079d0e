import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { verifyEmail } from '../api/auth';
import { errorMessage } from '../api/client';
import { Alert } from '../components/Alert';
import { AuthCard } from '../components/AuthCard';
import { Spinner } from '../components/Spinner';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export default function VerifyEmail() {
  useDocumentTitle('Verify email');
  const [params] = useSearchParams();
  const token = params.get('token');
  const [state, setState] = useState<{ status: 'loading' | 'ok' | 'error'; message?: string }>({ status: 'loading' });

  useEffect(() => {
    if (!token) {
      setState({ status: 'error', message: 'This link has no verification token. Open the link from your email again.' });
      return;
    }
    let live = true;
    verifyEmail(token)
      .then(() => live && setState({ status: 'ok' }))
      .catch((e) => live && setState({ status: 'error', message: errorMessage(e, 'Could not verify the email.') }));
    return () => {
      live = false;
    };
  }, [token]);

  return (
    <AuthCard title="Verify your email">
      {state.status === 'loading' && <Spinner label="Verifying…" />}
      {state.status === 'ok' && (
        <div className="space-y-4">
          <Alert kind="success">Your email address is verified.</Alert>
          <Link to="/login?verified=1" className="btn-primary w-full">
            Continue to log in
          </Link>
        </div>
      )}
      {state.status === 'error' && (
        <div className="space-y-4">
          <Alert>{state.message}</Alert>
          <Link to="/login" className="link">
            Back to log in
          </Link>
        </div>
      )}
    </AuthCard>
  );
}
