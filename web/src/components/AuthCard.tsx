import type { ReactNode } from 'react';
import { Logo } from './Logo';

export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center bg-slate-50 px-4 py-10">
      <Logo />
      <main className="card mt-8 w-full max-w-md">
        <h1 className="mb-5 text-xl font-bold">{title}</h1>
        {children}
      </main>
      {footer && <div className="mt-4 text-sm text-slate-600">{footer}</div>}
    </div>
  );
}
