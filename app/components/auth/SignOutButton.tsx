'use client';
// Signs out and forgets what this browser kept of the workspace (lib/client/deviceData.ts), so the next person
// here cannot read it offline; edits not saved yet are named first, and kept if the person says no.
import { forgetDeviceData, sheetsWithUnsavedChanges } from '@/lib/client/deviceData';

/** Longest the local data's deletion may hold up leaving the page (a blocked IndexedDB deletion, say). */
const FORGET_WAIT_MS = 3000;

export const OFFLINE_MESSAGE =
  'You are offline, so you are still signed in: only the server can end your session. Connect to the network and sign out again (nothing on this device was removed).';

export function SignOutButton() {
  const signOut = async () => {
    const unsaved = sheetsWithUnsavedChanges(window.localStorage);
    if (unsaved.length > 0) {
      const which = unsaved.length === 1 ? 'A sheet has' : `${unsaved.length} sheets have`;
      if (!window.confirm(`${which} changes made on this device that are not saved yet. Signing out removes them from this device. Sign out anyway?`)) return;
    }
    // Only the server can end the session (its cookie is HttpOnly). Any answer clears the cookie (the web
    // server sets it expired even when the sync server is down); no answer at all (offline) leaves it, and
    // the next person here would be signed in as this one once back online: say so and stay.
    const answered = await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' }).then(
      () => true,
      () => false,
    );
    if (!answered) {
      window.alert(OFFLINE_MESSAGE);
      return;
    }
    await Promise.race([forgetDeviceData().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, FORGET_WAIT_MS))]);
    window.location.assign('/signin');
  };
  return (
    <button type="button" className="link-button" onClick={signOut}>
      Sign out
    </button>
  );
}
