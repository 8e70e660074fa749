'use client';
// Signs out and forgets what this browser kept of the workspace (lib/client/deviceData.ts), so the next person
// here cannot read it offline; edits not saved yet are named first, and kept if the person says no.
import { forgetDeviceData, sheetsWithUnsavedChanges } from '@/lib/client/deviceData';
import { postJson } from './postJson';

/** Longest the local data's deletion may hold up leaving the page (a blocked IndexedDB deletion, say). */
const FORGET_WAIT_MS = 3000;

export function SignOutButton() {
  const signOut = async () => {
    const unsaved = sheetsWithUnsavedChanges(window.localStorage);
    if (unsaved.length > 0) {
      const which = unsaved.length === 1 ? 'A sheet has' : `${unsaved.length} sheets have`;
      if (!window.confirm(`${which} changes made on this device that are not saved yet. Signing out removes them from this device. Sign out anyway?`)) return;
    }
    await postJson('/api/session', undefined, 'DELETE').catch(() => undefined);
    await Promise.race([forgetDeviceData().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, FORGET_WAIT_MS))]);
    window.location.assign('/signin');
  };
  return (
    <button type="button" className="link-button" onClick={signOut}>
      Sign out
    </button>
  );
}
