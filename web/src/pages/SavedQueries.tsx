import { Bookmark } from 'lucide-react';
import { listSaved } from '../api/queries';
import { PageHeader } from '../components/PageHeader';
import { QueryList } from '../components/QueryList';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export default function SavedQueries() {
  useDocumentTitle('Saved queries');
  return (
    <>
      <PageHeader title="Saved queries" subtitle="Questions and SQL you saved, with their charts." />
      <QueryList fetch={listSaved} label="saved queries" emptyIcon={Bookmark} emptyTitle="No saved queries yet" emptyText="On the Analysis page, press “Save query” on an answer to keep it here." />
    </>
  );
}
