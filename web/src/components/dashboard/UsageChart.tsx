import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { getUsage } from '../../api/stats';
import { useAsync } from '../../hooks/useAsync';

/** Queries per day (questions vs SQL) and the AI tokens spent today; hidden when the server has no usage yet. */
export function UsageChart() {
  const u = useAsync(() => getUsage(), []);
  const days = u.data?.queries_per_day ?? [];
  if (u.error || days.length === 0) return null;
  return (
    <section aria-labelledby="usage-title" className="card">
      <h2 id="usage-title" className="mb-1 font-semibold">
        Queries per day
      </h2>
      {typeof u.data?.avg_execution_ms === 'number' && (
        <p className="mb-2 text-xs text-slate-500">
          average {Math.round(u.data.avg_execution_ms)} ms{typeof u.data.p95_execution_ms === 'number' && ` · p95 ${Math.round(u.data.p95_execution_ms)} ms`}
        </p>
      )}
      {u.data?.llm.configured && (
        <p className="mb-2 text-xs text-slate-500" data-testid="ai-tokens">
          AI ({u.data.llm.model}): {u.data.llm.tokens_today.toLocaleString()} tokens today
          {u.data.llm.daily_token_budget > 0 && ` of ${u.data.llm.daily_token_budget.toLocaleString()}`}
        </p>
      )}
      <div className="h-48">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={days}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="day" tick={{ fontSize: 11 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={32} />
            <Tooltip />
            <Legend />
            <Bar dataKey="natural_language" name="Questions" stackId="q" fill="#2552eb" isAnimationActive={false} />
            <Bar dataKey="sql" name="SQL" stackId="q" fill="#f59e0b" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}
