'use client';
// One form for the three ways in: first-run owner account, sign in, and accepting an invite.
import { useState } from 'react';
import { postJson, safeNext } from './postJson';

interface Props {
  mode: 'setup' | 'signin' | 'invite';
  /** POST target (the invite's accept URL for invites). */
  action: string;
  submitLabel: string;
  next?: string;
}

export function MemberForm({ mode, action, submitLabel, next }: Props) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const withName = mode !== 'signin';

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await postJson(action, withName ? { name, email, password } : { email, password });
      // A full navigation, so every page is rendered with the new session.
      window.location.assign(safeNext(next));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  return (
    <form className="auth-form" onSubmit={submit} data-testid={`${mode}-form`}>
      {withName && (
        <label>
          Name
          <input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
      )}
      <label>
        Email
        <input name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required maxLength={254} />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          minLength={mode === 'signin' ? 1 : 10}
          maxLength={200}
        />
      </label>
      <button className="primary" type="submit" disabled={busy}>
        {submitLabel}
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
