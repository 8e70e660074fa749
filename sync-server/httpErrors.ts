// Errors of the HTTP APIs: `{ error: { code, message } }` with a 4xx/5xx status.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers (retry-after on 503). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const badRequest = (message: string, code = 'invalid_request') => new HttpError(400, code, message);
