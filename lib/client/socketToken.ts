// Browser-only: the socket token of one sheet (GET /api/sheets/:id/socket-token), renewed before it
// expires. Tells a network failure (offline: keep the old one, try later) from a refusal (access revoked) and
// from a sheet the server does not have (never existed, or deleted).
export type TokenOutcome = 'ok' | 'offline' | 'unauthorized' | 'forbidden' | 'missing';
export type SheetRole = 'owner' | 'editor' | 'viewer';

export class SocketTokenSource {
  token: string | null = null;
  expiresAt = 0;
  role: SheetRole | null = null;
  private inflight: Promise<TokenOutcome> | null = null;

  constructor(
    readonly sheetId: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  private lifetimeMs = 0;

  /** Still valid for a while: 15 s, or a quarter of a short lifetime. */
  fresh(): boolean {
    const margin = Math.min(15_000, this.lifetimeMs / 4);
    return this.token !== null && Date.now() + margin < this.expiresAt;
  }

  /** When to renew: a minute before expiry, or at 80 % of a short lifetime. */
  renewDelayMs(): number {
    const left = this.expiresAt - Date.now();
    return Math.max(1000, Math.min(left - 60_000, left * 0.8));
  }

  refresh(): Promise<TokenOutcome> {
    this.inflight ??= this.load().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async load(): Promise<TokenOutcome> {
    let response: Response;
    try {
      response = await this.fetchImpl(`/api/sheets/${encodeURIComponent(this.sheetId)}/socket-token`, { cache: 'no-store', credentials: 'same-origin' });
    } catch {
      return 'offline';
    }
    if (response.status === 401) return 'unauthorized';
    if (response.status === 403) return 'forbidden';
    if (response.status === 404) return 'missing';
    if (!response.ok) return 'offline';
    try {
      const body = (await response.json()) as { token: string; expiresAt: string; role: SheetRole };
      // A cached copy (service worker, offline) may have expired: that is no token.
      if (!(Date.parse(body.expiresAt) > Date.now())) return 'offline';
      this.token = body.token;
      this.expiresAt = Date.parse(body.expiresAt);
      this.lifetimeMs = this.expiresAt - Date.now();
      this.role = body.role;
      return 'ok';
    } catch {
      return 'offline';
    }
  }
}
