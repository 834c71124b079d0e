import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from '../store/auth';
import { RequireAuth } from './RequireAuth';
import { tokens } from '../test/fixtures';

function LoginProbe() {
  const l = useLocation();
  return <p>login page {l.search}</p>;
}

function renderAt(path: string) {
  render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="/login" element={<LoginProbe />} />
        <Route path="/data-sources/:id" element={<RequireAuth><p>secret page</p></RequireAuth>} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('RequireAuth', () => {
  it('sends an anonymous visitor to login and remembers the page', () => {
    useAuth.getState().clear(true);
    renderAt('/data-sources/42?tab=profile');
    expect(screen.getByText(/login page/)).toHaveTextContent('login page ?next=%2Fdata-sources%2F42%3Ftab%3Dprofile');
  });

  it('waits while the session is being restored', () => {
    useAuth.setState({ status: 'unknown' });
    renderAt('/data-sources/42');
    expect(screen.getByRole('status')).toHaveTextContent(/Restoring your session/);
  });

  it('shows the page when signed in', () => {
    useAuth.getState().setSession(tokens({ access_token: 't' }));
    renderAt('/data-sources/42');
    expect(screen.getByText('secret page')).toBeInTheDocument();
  });
});
