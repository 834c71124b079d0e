import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { loginPath } from '../lib/next';
import { useAuth } from '../store/auth';
import { Spinner } from './Spinner';

/** Protected pages: wait for the silent refresh on start-up, else send to login with the page remembered. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const status = useAuth((s) => s.status);
  const location = useLocation();
  if (status === 'unknown') {
    return (
      <div className="grid min-h-screen place-items-center">
        <Spinner label="Restoring your session…" />
      </div>
    );
  }
  if (status === 'anonymous') {
    return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  }
  return <>{children}</>;
}
