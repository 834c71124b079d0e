import { PageHeader } from '../components/PageHeader';
import { ApiKeys } from '../components/settings/ApiKeys';
import { PasswordForm } from '../components/settings/PasswordForm';
import { ProfileForm } from '../components/settings/ProfileForm';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export default function Settings() {
  useDocumentTitle('Settings');
  return (
    <>
      <PageHeader title="Settings" subtitle="Your profile, password and API keys." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <ProfileForm />
        <PasswordForm />
        <div className="lg:col-span-2">
          <ApiKeys />
        </div>
      </div>
    </>
  );
}
