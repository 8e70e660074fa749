// The one error an insight request can fail with: which insight, or which parameter, and why.

export type InsightErrorCode = 'not_found' | 'invalid_params';

export class InsightError extends Error {
  constructor(
    readonly code: InsightErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InsightError';
  }
}
