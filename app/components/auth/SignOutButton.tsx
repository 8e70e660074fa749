'use client';
import { postJson } from './postJson';

export function SignOutButton() {
  const signOut = async () => {
    await postJson('/api/session', undefined, 'DELETE').catch(() => undefined);
    window.location.assign('/signin');
  };
  return (
    <button type="button" className="link-button" onClick={signOut}>
      Sign out
    </button>
  );
}
