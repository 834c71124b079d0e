import { Check, X } from 'lucide-react';
import { checkPassword } from '../lib/password';

/** Live view of the password policy; each rule turns green when met. */
export function PasswordChecklist({ password, id }: { password: string; id?: string }) {
  const rules = checkPassword(password);
  return (
    <ul id={id} className="mt-2 grid gap-1 text-xs sm:grid-cols-2" aria-label="Password requirements">
      {rules.map((r) => (
        <li key={r.id} className={`flex items-center gap-1.5 ${r.ok ? 'text-green-700' : 'text-slate-500'}`}>
          {r.ok ? <Check size={14} aria-hidden /> : <X size={14} aria-hidden />}
          <span>
            {r.label}
            <span className="sr-only">{r.ok ? ' (met)' : ' (not met)'}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
