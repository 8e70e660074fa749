// Why a socket's message was refused, as the close the socket gets: a full sheet (4413) is told apart from a
// malformed or schema-breaking message (4400), so the browser can say what happened. Both are final for the
// stock client (4400–4499).
import { CLOSE_BAD_MESSAGE, CLOSE_SHEET_FULL } from '../lib/protocol';
import type { GuardVerdict } from '../lib/updateGuard';

export class UpdateRefusedError extends Error {
  constructor(
    message: string,
    readonly closeCode: number,
    readonly closeReason: string,
  ) {
    super(message);
  }

  static fromVerdict(verdict: Extract<GuardVerdict, { ok: false }>): UpdateRefusedError {
    return verdict.full
      ? new UpdateRefusedError(`update refused: ${verdict.problem}`, CLOSE_SHEET_FULL, 'sheet full')
      : new UpdateRefusedError(`update refused: ${verdict.problem}`, CLOSE_BAD_MESSAGE, 'malformed message');
  }
}

/** The close for a message that threw: its refusal's, or 4400 for anything else (it could not be decoded). */
export function closeForRefusal(err: unknown): { code: number; reason: string } {
  return err instanceof UpdateRefusedError ? { code: err.closeCode, reason: err.closeReason } : { code: CLOSE_BAD_MESSAGE, reason: 'malformed message' };
}
