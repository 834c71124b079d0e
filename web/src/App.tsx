import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useParams, useSearchParams } from 'react-router-dom';
import { refreshSession } from './api/client';
import { AppLayout } from './components/AppLayout';
import { RequireAuth } from './components/RequireAuth';
import { Spinner } from './components/Spinner';
import { safeNext } from './lib/next';
import Landing from './pages/Landing';
import Login from './pages/Login';
import Register from './pages/Register';
import { useAuth } from './store/auth';

const Dashboard = lazy(() => import('./pages/Dashboard'));
const DataSources = lazy(() => import('./pages/DataSources'));
const DataSourceDetail = lazy(() => import('./pages/DataSourceDetail'));
const Analysis = lazy(() => import('./pages/Analysis'));
const SavedQueries = lazy(() => import('./pages/SavedQueries'));
const History = lazy(() => import('./pages/History'));
const Settings = lazy(() => import('./pages/Settings'));
const VerifyEmail = lazy(() => import('./pages/VerifyEmail'));
const ForgotPassword = lazy(() => import('./pages/ForgotPassword'));
const ResetPassword = lazy(() => import('./pages/ResetPassword'));
const NotFound = lazy(() => import('./pages/NotFound'));

/** On start-up, try to resume the session from the httpOnly refresh cookie. */
export function useSessionBootstrap() {
  useEffect(() => {
    if (useAuth.getState().status !== 'unknown') return;
    void refreshSession().then((ok) => {
      if (!ok && useAuth.getState().status === 'unknown') useAuth.getState().clear(false);
    });
  }, []);
}

function GuestOnly({ children }: { children: JSX.Element }) {
  const status = useAuth((s) => s.status);
  return status === 'authenticated' ? <Navigate to="/dashboard" replace /> : children;
}

export default function App() {
  useSessionBootstrap();
  return (
    <Suspense
      fallback={
        <div className="grid min-h-[50vh] place-items-center">
          <Spinner />
        </div>
      }
    >
      <Routes>
        <Route path="/" element={<Landing />} />
        <Route path="/login" element={<LoginRoute />} />
        <Route path="/register" element={<GuestOnly><Register /></GuestOnly>} />
        <Route path="/verify-email" element={<VerifyEmail />} />
        <Route path="/forgot-password" element={<ForgotPassword />} />
        <Route path="/reset-password" element={<ResetPassword />} />
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route path="/dashboard" element={<Dashboard />} />
          <Route path="/data-sources" element={<DataSources />} />
          <Route path="/data-sources/:id" element={<DataSourceDetail />} />
          <Route path="/analysis" element={<Analysis />} />
          <Route path="/queries/:id" element={<QueryRedirect />} />
          <Route path="/saved" element={<SavedQueries />} />
          <Route path="/history" element={<History />} />
          <Route path="/settings" element={<Settings />} />
        </Route>
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Suspense>
  );
}

/** An already signed-in visitor skips the login form (honouring ?next=). */
function LoginRoute() {
  const status = useAuth((s) => s.status);
  // Router state, not window.location: the router may already have moved the URL on.
  const [params] = useSearchParams();
  if (status === 'authenticated') return <Navigate to={safeNext(params.get('next'))} replace />;
  return <Login />;
}

/** `/queries/{id}` (as used in activity links) opens the query on the Analysis page. */
function QueryRedirect() {
  const { id = '' } = useParams();
  return <Navigate to={`/analysis?query=${encodeURIComponent(id)}`} replace />;
}
