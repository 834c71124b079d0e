import { useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../../api/client';
import { updateMe, uploadAvatar } from '../../api/users';
import { isEmail } from '../../lib/password';
import { useAuth } from '../../store/auth';
import { Alert } from '../Alert';
import { Avatar } from '../Avatar';
import { Field } from '../Field';

export function ProfileForm() {
  const user = useAuth((s) => s.user);
  const setUser = useAuth((s) => s.setUser);
  const [fullName, setFullName] = useState(user?.full_name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [avatarBusy, setAvatarBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setMsg(null);
    if (!fullName.trim()) return setMsg({ kind: 'error', text: 'Enter your name.' });
    if (!isEmail(email)) return setMsg({ kind: 'error', text: 'Enter a valid email address.' });
    const body: { full_name?: string; email?: string } = {};
    if (fullName.trim() !== user?.full_name) body.full_name = fullName.trim();
    if (email.trim() !== user?.email) body.email = email.trim();
    if (Object.keys(body).length === 0) return setMsg({ kind: 'success', text: 'Nothing to change.' });
    setBusy(true);
    try {
      const u = await updateMe(body);
      setUser(u);
      setMsg({ kind: 'success', text: body.email ? 'Profile saved. Check your inbox to verify the new email address.' : 'Profile saved.' });
    } catch (err) {
      setMsg({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  async function onAvatar(file: File | undefined) {
    if (!file) return;
    setMsg(null);
    if (!file.type.startsWith('image/')) return setMsg({ kind: 'error', text: 'Choose an image file (PNG, JPEG or WebP).' });
    setAvatarBusy(true);
    try {
      setUser(await uploadAvatar(file));
      setMsg({ kind: 'success', text: 'Avatar updated.' });
    } catch (err) {
      setMsg({ kind: 'error', text: errorMessage(err) });
    } finally {
      setAvatarBusy(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  }

  return (
    <section aria-labelledby="profile-title" className="card">
      <h2 id="profile-title" className="mb-4 font-semibold">
        Profile
      </h2>
      <div className="mb-4 flex items-center gap-4">
        <Avatar name={user?.full_name} url={user?.avatar_url} size={64} />
        <div>
          <label htmlFor="avatar-file" className="btn-secondary btn-sm cursor-pointer focus-within:ring-2 focus-within:ring-brand-500">
            {avatarBusy ? 'Uploading…' : 'Change avatar'}
            <input id="avatar-file" ref={fileRef} type="file" accept="image/png,image/jpeg,image/webp" className="sr-only" onChange={(e) => onAvatar(e.target.files?.[0])} disabled={avatarBusy} />
          </label>
          <p className="mt-1 text-xs text-slate-500">PNG, JPEG or WebP.</p>
        </div>
      </div>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field label="Full name" autoComplete="name" value={fullName} onChange={(e) => setFullName(e.target.value)} />
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          hint={user?.is_verified === false ? 'Not verified yet — check your inbox for the link.' : undefined}
        />
        {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
      </form>
    </section>
  );
}
