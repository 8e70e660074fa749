// The person at this browser: a stable id, a display name and a colour, remembered in localStorage.
import { newId } from '../ids';

export interface UserIdentity {
  id: string;
  name: string;
  color: string;
}

const KEY = 'cellar-user';
export const PEER_COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#f032e6', '#9a6324', '#800000', '#000075'];
const NAMES = ['Otter', 'Heron', 'Lynx', 'Badger', 'Marten', 'Puffin', 'Ibex', 'Kestrel', 'Stoat', 'Wren'];

export function loadIdentity(storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null): UserIdentity {
  try {
    const stored = JSON.parse(storage?.getItem(KEY) ?? 'null');
    if (stored && typeof stored.id === 'string' && typeof stored.name === 'string' && typeof stored.color === 'string') return stored;
  } catch {
    // fall through to a new identity
  }
  const id = `u-${newId(12)}`;
  const n = Math.floor(Math.random() * NAMES.length);
  const identity = { id, name: `${NAMES[n]} ${Math.floor(Math.random() * 90 + 10)}`, color: PEER_COLORS[Math.floor(Math.random() * PEER_COLORS.length)] };
  saveIdentity(identity, storage);
  return identity;
}

export function saveIdentity(identity: UserIdentity, storage: Pick<Storage, 'setItem'> | null = globalThis.localStorage ?? null): void {
  try {
    storage?.setItem(KEY, JSON.stringify(identity));
  } catch {
    // private mode: identity lasts for this page
  }
}
