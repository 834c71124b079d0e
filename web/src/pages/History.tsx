import { History as HistoryIcon } from 'lucide-react';
import { listQueries } from '../api/queries';
import { PageHeader } from '../components/PageHeader';
import { QueryList } from '../components/QueryList';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export default function History() {
  useDocumentTitle('History');
  return (
    <>
      <PageHeader title="History" subtitle="Every question and SQL query you have run." />
      <QueryList fetch={listQueries} label="queries" emptyIcon={HistoryIcon} emptyTitle="No queries yet" emptyText="Questions you ask on the Analysis page appear here." />
    </>
  );
}
