// Request bodies of the HTTP API, validated with zod on the sync server (the one place edits happen).
import { z } from 'zod';
import { limits } from './limits';
import { TEMPLATE_NAMES } from './schema';
import { numberProblem } from './schemaRules';

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const id = z.string().min(1).max(64);

/** Text within a limit read when the request is checked (the limits are configurable). */
const boundedText = (what: string, max: () => number) =>
  z.string().superRefine((value, ctx) => {
    if (value.length > max()) ctx.addIssue({ code: 'custom', message: `${what} is longer than ${max().toLocaleString('en-US')} characters` });
  });

/** A number within the magnitude limit, so no sum of them can overflow. */
const boundedNumber = z.number().superRefine((value, ctx) => {
  const problem = numberProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const sheetTitle = z
  .string()
  .trim()
  .min(1, 'title must not be empty')
  .pipe(boundedText('title', () => limits().titleChars));

export const createSheetBody = z.strictObject({
  title: sheetTitle,
  template: z.enum(TEMPLATE_NAMES as [string, ...string[]]).default('blank'),
});

export const renameSheetBody = z.strictObject({
  title: sheetTitle,
});

export const cellUpdatesBody = z.strictObject({
  updates: z
    .array(
      z.union([
        z.strictObject({ row: id, col: id, value: jsonValue }),
        z.strictObject({ row: id, col: id, adjust: boundedNumber }),
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
  total: boundedNumber,
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
