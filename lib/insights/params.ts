// Query-string parameters shared by the insights: `from` and `to` (sale dates, inclusive, YYYY-MM-DD),
// `asOf` (defaults to today in the server's time zone), `category`, and numeric ones such as `threshold`.
// Every insight accepts the common four; an unknown or repeated name is refused, so a typo never
// silently returns unfiltered data.
import { z } from 'zod';
import { isIsoDate } from '../cellValue';
import { InsightError } from './insightError';

export interface CommonParams {
  from?: string;
  to?: string;
  asOf: string;
  category?: string;
}

/** Numeric parameters stay within a range where every value is exact and meaningful. */
export const MAX_NUMERIC_PARAM = 1e12;
export const MAX_TEXT_PARAM_LENGTH = 200;

export const isoDateParam = z.string().refine(isIsoDate, { message: 'must be a real date written YYYY-MM-DD' });

export const textParam = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(MAX_TEXT_PARAM_LENGTH, { message: `must be at most ${MAX_TEXT_PARAM_LENGTH} characters` });

export const numberParam = z
  .string()
  .regex(/^[-+]?(\d+\.?\d*|\.\d+)$/, { message: 'must be a plain decimal number' })
  .transform(Number)
  .refine((n) => Math.abs(n) <= MAX_NUMERIC_PARAM, { message: `must be between -${MAX_NUMERIC_PARAM} and ${MAX_NUMERIC_PARAM}` });

const commonShape = {
  from: isoDateParam.optional(),
  to: isoDateParam.optional(),
  asOf: isoDateParam,
  category: textParam.optional(),
};

/** An insight's parameter schema: the common parameters plus its own, nothing else, and from ≤ to. */
export function insightParams<Extra extends z.ZodRawShape>(extra: Extra) {
  return z
    .strictObject({ ...commonShape, ...extra })
    .refine(fromNotAfterTo, { message: 'must not be after `to`', path: ['from'] });
}

function fromNotAfterTo(p: { from?: unknown; to?: unknown }): boolean {
  return typeof p.from !== 'string' || typeof p.to !== 'string' || p.from <= p.to;
}

/** Today's date where the server runs, as YYYY-MM-DD (a shop's "today" is local, not UTC). */
export function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Validates a query string against an insight's schema; `asOf` defaults to `now`'s local date. */
export function parseInsightParams<P>(schema: z.ZodType<P>, query: URLSearchParams, now: Date): P {
  const record: Record<string, string> = {};
  for (const [key, value] of query) {
    if (Object.hasOwn(record, key)) throw new InsightError('invalid_params', `parameter ${describeName(key)} is given more than once`);
    record[key] = value;
  }
  record.asOf ??= localDate(now);
  const parsed = schema.safeParse(record);
  if (parsed.success) return parsed.data;
  throw new InsightError('invalid_params', parsed.error.issues.map(describeIssue).join('; '));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown parameter${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map(describeName).join(', ')}`;
  return issue.path.length > 0 ? `${issue.path.map(String).join('.')} ${issue.message}` : issue.message;
}

/** A parameter name as it may safely appear in an error message (they are echoed to clients). */
function describeName(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}...` : key);
}
