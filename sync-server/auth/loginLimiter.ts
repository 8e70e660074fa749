// Sign-in attempts: after 5 failures in 15 minutes from one address, or for one account, further
// attempts are refused (429 + retry-after) until the window passes (rate-limiter-flexible, in memory).
import { RateLimiterMemory } from 'rate-limiter-flexible';

export const MAX_FAILURES = 5;
export const WINDOW_S = 15 * 60;

export class LoginLimiter {
  private readonly byAddress = new RateLimiterMemory({ keyPrefix: 'login-ip', points: MAX_FAILURES, duration: WINDOW_S });
  private readonly byAccount = new RateLimiterMemory({ keyPrefix: 'login-account', points: MAX_FAILURES, duration: WINDOW_S });

  /** Seconds to wait when either key has used up its failures; 0 when an attempt may go ahead. */
  async blockedFor(address: string, account: string): Promise<number> {
    const [ip, acct] = await Promise.all([this.byAddress.get(address), this.byAccount.get(account)]);
    const waits = [ip, acct].filter((r) => r !== null && r.consumedPoints >= MAX_FAILURES).map((r) => r!.msBeforeNext);
    return waits.length === 0 ? 0 : Math.max(1, Math.ceil(Math.max(...waits) / 1000));
  }

  async failed(address: string, account: string): Promise<void> {
    await Promise.all([this.byAddress.consume(address).catch(() => undefined), this.byAccount.consume(account).catch(() => undefined)]);
  }

  async succeeded(account: string): Promise<void> {
    await this.byAccount.delete(account);
  }
}
