// Request bodies of the HTTP API, validated with zod on the sync server (the one place edits happen).
import { z } from 'zod';
import { TEMPLATE_NAMES } from './schema';

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const id = z.string().min(1).max(64);

export const createSheetBody = z.strictObject({
  title: z.string().trim().min(1, 'title must not be empty').max(200),
  template: z.enum(TEMPLATE_NAMES as [string, ...string[]]).default('blank'),
});

export const renameSheetBody = z.strictObject({
  title: z.string().trim().min(1, 'title must not be empty').max(200),
});

export const cellUpdatesBody = z.strictObject({
  updates: z
    .array(
      z.union([
        z.strictObject({ row: id, col: id, value: jsonValue }),
        z.strictObject({ row: id, col: id, adjust: z.number().finite() }),
      ]),
    )
    .min(1, 'updates must not be empty')
    .max(50_000),
});

export const appendRowsBody = z.strictObject({
  rows: z.array(z.record(z.string().max(200), jsonValue)).min(1, 'rows must not be empty').max(50_000),
});

export const spreadBody = z.strictObject({
  column: id,
  group: z.strictObject({ brand: z.string().min(1).max(200), family: z.string().min(1).max(200).optional() }),
  total: z.number().finite(),
  hold: z.array(id).max(100_000).optional(),
});

export const historyQuery = z.strictObject({ row: id, col: id });

/** The first problem in a zod error, as one readable sentence. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${path}${issue.message}`;
}
