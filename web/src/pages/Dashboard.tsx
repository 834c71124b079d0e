import { Database, HardDrive, MessageSquareText, TrendingUp } from 'lucide-react';
import { useSearchParams } from 'react-router-dom';
import { getDashboard } from '../api/stats';
import { Alert } from '../components/Alert';
import { PinnedTiles } from '../components/dashboard/PinnedTiles';
import { QuickAsk } from '../components/dashboard/QuickAsk';
import { RecentActivity } from '../components/dashboard/RecentActivity';
import { SavedPreview } from '../components/dashboard/SavedPreview';
import { StorageBar } from '../components/dashboard/StorageBar';
import { UsageChart } from '../components/dashboard/UsageChart';
import { PageHeader } from '../components/PageHeader';
import { Spinner } from '../components/Spinner';
import { StatCard } from '../components/StatCard';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatBytes, formatCount } from '../lib/format';
import { useAuth } from '../store/auth';

export default function Dashboard() {
  useDocumentTitle('Dashboard');
  const user = useAuth((s) => s.user);
  const [params] = useSearchParams();
  const stats = useAsync(() => getDashboard(), []);
  const first = user?.full_name?.split(' ')[0];

  return (
    <>
      <PageHeader title={first ? `Hello, ${first}` : 'Dashboard'} subtitle="Your data, questions and storage at a glance." />
      {params.get('welcome') === '1' && (
        <div className="mb-4">
          <Alert kind="success">Welcome to InsightIQ! Upload a file under Data sources, then ask your first question.</Alert>
        </div>
      )}
      {stats.error && <Alert action={<button className="btn-secondary btn-sm" onClick={stats.reload}>Retry</button>}>{stats.error}</Alert>}
      {stats.loading && !stats.data && <Spinner />}
      {stats.data && (
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <StatCard icon={Database} label="Data sources" value={formatCount(stats.data.data_sources_count)} hint={`${formatCount(stats.data.active_datasets)} active`} />
          <StatCard icon={MessageSquareText} label="Queries" value={formatCount(stats.data.queries_count)} />
          <StatCard icon={TrendingUp} label="This month" value={formatCount(stats.data.queries_this_month)} hint="queries" />
          <StatCard icon={HardDrive} label="Storage" value={formatBytes(stats.data.storage_used_bytes)} />
        </div>
      )}
      <div className="mt-6">
        <PinnedTiles />
      </div>
      <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <QuickAsk />
          <UsageChart />
          {stats.data && <RecentActivity items={stats.data.recent_activity ?? []} />}
        </div>
        <div className="min-w-0 space-y-6">
          {stats.data && <StorageBar used={stats.data.storage_used_bytes} limit={stats.data.storage_limit_bytes} />}
          <SavedPreview />
        </div>
      </div>
    </>
  );
}
