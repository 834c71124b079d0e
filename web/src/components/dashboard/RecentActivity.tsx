import { Activity as ActivityIcon, MessageSquareText, RefreshCw, Upload } from 'lucide-react';
import { Link } from 'react-router-dom';
import type { Activity } from '../../api/types';
import { timeAgo } from '../../lib/format';

const ICON = { upload: Upload, query: MessageSquareText, sync: RefreshCw } as const;

/** Server links may be absolute API-ish paths; keep only in-app ones. */
function appLink(link: string | null | undefined): string | null {
  if (!link) return null;
  const path = link.replace(/^\/api\/v1(?=\/)/, '');
  const q = /^\/queries\/([^/?#]+)$/.exec(path);
  if (q) return `/analysis?query=${q[1]}`;
  if (/^\/data-sources\/[^/?#]+$/.test(path)) return path;
  return link.startsWith('/') && !link.startsWith('//') ? link : null;
}

export function RecentActivity({ items }: { items: Activity[] }) {
  return (
    <section aria-labelledby="activity-title" className="card">
      <h2 id="activity-title" className="mb-3 font-semibold">
        Recent activity
      </h2>
      {items.length === 0 ? (
        <p className="text-sm text-slate-500">Nothing yet. Upload a file or ask a question and it will show up here.</p>
      ) : (
        <ul className="space-y-2">
          {items.slice(0, 10).map((a, i) => {
            const Icon = ICON[a.kind as keyof typeof ICON] ?? ActivityIcon;
            const to = appLink(a.link);
            return (
              <li key={i} className="flex items-start gap-2 text-sm">
                <Icon size={16} className="mt-0.5 shrink-0 text-slate-400" aria-hidden />
                <div className="min-w-0 flex-1">
                  {to ? (
                    <Link to={to} className="link break-words font-normal">
                      {a.title}
                    </Link>
                  ) : (
                    <span className="break-words">{a.title}</span>
                  )}
                  <div className="text-xs text-slate-500">{timeAgo(a.created_at)}</div>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
