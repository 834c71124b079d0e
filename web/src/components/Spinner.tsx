import { Loader2 } from 'lucide-react';

export function Spinner({ label = 'Loading…', className = '' }: { label?: string; className?: string }) {
  return (
    <div role="status" className={`flex items-center gap-2 text-sm text-slate-500 ${className}`}>
      <Loader2 className="animate-spin" size={18} aria-hidden />
      <span>{label}</span>
    </div>
  );
}
