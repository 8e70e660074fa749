// Who is calling: a member (session or socket token), an API token, or the admin token from the
// environment. Each has a workspace role; an API token may be limited to some sheets.
export const ROLES = ['viewer', 'editor', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  /** `m-…` members, `t-…` API tokens, `admin` for CELLAR_ADMIN_TOKEN. Recorded in history. */
  id: string;
  kind: 'member' | 'token' | 'admin';
  name: string;
  role: Role;
  /** Sheets a token is limited to; null means every sheet. */
  sheets: readonly string[] | null;
}

export const ADMIN_IDENTITY: Identity = Object.freeze({ id: 'admin', kind: 'admin', name: 'admin token', role: 'owner', sheets: null });

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `identity`'s role is at least `role` (viewer < editor < owner). */
export function hasRole(identity: Pick<Identity, 'role'>, role: Role): boolean {
  return ROLES.indexOf(identity.role) >= ROLES.indexOf(role);
}

export function mayOpenSheet(identity: Pick<Identity, 'sheets'>, sheetId: string): boolean {
  return identity.sheets === null || identity.sheets.includes(sheetId);
}
