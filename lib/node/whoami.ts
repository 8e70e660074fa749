// Server-side: who is signed in (from the request's cookie or token) and whether the workspace has an owner.
import { syncServerJson } from './syncServerClient';

export interface WhoAmI {
  needsSetup: boolean;
  identity: { id: string; kind: 'member' | 'token' | 'admin'; name: string; role: 'owner' | 'editor' | 'viewer' } | null;
}

export async function whoAmI(): Promise<WhoAmI | null> {
  try {
    return await syncServerJson<WhoAmI>('/whoami');
  } catch {
    return null;
  }
}
