import type { LucideIcon } from 'lucide-react';

export function StatCard({ icon: Icon, label, value, hint }: { icon: LucideIcon; label: string; value: string; hint?: string }) {
  return (
    <div className="card">
      <div className="flex items-center gap-2 text-sm text-slate-600">
        <Icon size={16} aria-hidden /> {label}
      </div>
      <div className="mt-1 text-2xl font-bold tabular-nums">{value}</div>
      {hint && <div className="text-xs text-slate-500">{hint}</div>}
    </div>
  );
}
