import { BarChart3, Bookmark, Database, History, LayoutDashboard, LogOut, Menu, MessageSquareText, Settings, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { logout } from '../api/auth';
import { endSession } from '../api/client';
import { useAuth } from '../store/auth';
import { Avatar } from './Avatar';

const NAV = [
  { to: '/dashboard', label: 'Dashboard', icon: LayoutDashboard },
  { to: '/data-sources', label: 'Data sources', icon: Database },
  { to: '/analysis', label: 'Analysis', icon: MessageSquareText },
  { to: '/saved', label: 'Saved queries', icon: Bookmark },
  { to: '/history', label: 'History', icon: History },
  { to: '/settings', label: 'Settings', icon: Settings },
];

export function AppLayout() {
  const [open, setOpen] = useState(false);
  const user = useAuth((s) => s.user);
  const location = useLocation();
  const navigate = useNavigate();

  useEffect(() => setOpen(false), [location.pathname]);

  async function onLogout() {
    try {
      await logout();
    } catch {
      // The session ends on this side regardless.
    }
    endSession(false);
    navigate('/login', { replace: true });
  }

  const nav = (
    <nav aria-label="Main" className="flex flex-col gap-1 p-3">
      {NAV.map(({ to, label, icon: Icon }) => (
        <NavLink
          key={to}
          to={to}
          className={({ isActive }) =>
            `flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium ${
              isActive ? 'bg-brand-50 text-brand-800' : 'text-slate-700 hover:bg-slate-100'
            }`
          }
        >
          <Icon size={18} aria-hidden />
          {label}
        </NavLink>
      ))}
    </nav>
  );

  return (
    <div className="min-h-screen lg:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      {/* Desktop sidebar */}
      <aside className="sticky top-0 hidden h-screen w-60 shrink-0 flex-col overflow-y-auto border-r border-slate-200 bg-white lg:flex">
        <NavLink to="/dashboard" className="flex items-center gap-2 px-5 py-4 text-lg font-bold">
          <span className="grid h-8 w-8 place-items-center rounded-lg bg-brand-600 text-white">
            <BarChart3 size={18} aria-hidden />
          </span>
          InsightIQ
        </NavLink>
        {nav}
        <div className="mt-auto border-t border-slate-200 p-3">
          <UserBox name={user?.full_name} email={user?.email} avatar={user?.avatar_url} onLogout={onLogout} />
        </div>
      </aside>

      {/* Mobile top bar */}
      <header className="sticky top-0 z-30 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2 lg:hidden">
        <NavLink to="/dashboard" className="flex items-center gap-2 font-bold">
          <span className="grid h-7 w-7 place-items-center rounded-lg bg-brand-600 text-white">
            <BarChart3 size={16} aria-hidden />
          </span>
          InsightIQ
        </NavLink>
        <button
          type="button"
          className="btn-ghost px-2"
          aria-expanded={open}
          aria-controls="mobile-nav"
          aria-label={open ? 'Close menu' : 'Open menu'}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <X aria-hidden /> : <Menu aria-hidden />}
        </button>
      </header>
      {open && (
        <div id="mobile-nav" className="border-b border-slate-200 bg-white lg:hidden">
          {nav}
          <div className="border-t border-slate-200 p-3">
            <UserBox name={user?.full_name} email={user?.email} avatar={user?.avatar_url} onLogout={onLogout} />
          </div>
        </div>
      )}

      <main id="main" className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-8">
        <div className="mx-auto max-w-6xl">
          <Outlet />
        </div>
      </main>
    </div>
  );
}

function UserBox({ name, email, avatar, onLogout }: { name?: string; email?: string; avatar?: string | null; onLogout: () => void }) {
  return (
    <div className="flex items-center gap-3">
      <Avatar name={name} url={avatar} />
      <div className="min-w-0 flex-1">
        <div className="truncate text-sm font-medium">{name || 'Signed in'}</div>
        <div className="truncate text-xs text-slate-500">{email}</div>
      </div>
      <button type="button" className="btn-ghost px-2" onClick={onLogout} aria-label="Log out" title="Log out">
        <LogOut size={18} aria-hidden />
      </button>
    </div>
  );
}
