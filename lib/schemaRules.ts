// What every value of schema v1 must be, with the limits in force: one set of rules used by the WebSocket
// schema guard (updateGuard.ts), the repair of stored documents (documentRepair.ts) and, through
// cellValue.ts and apiSchemas.ts, the REST paths. Each returns why a value is refused, or null.
import { COLUMN_TYPES, COLUMN_WIDTH_MAX, COLUMN_WIDTH_MIN, ENTITY_ID_PATTERN, TEMPLATE_NAMES, USER_NAME_MAX } from './schema';
import { limits } from './limits';

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A number a cell may hold or an adjustment may add: finite and within the magnitude limit. */
export function numberProblem(value: unknown): string | null {
  if (!isFiniteNumber(value)) return 'expected a finite number';
  return Math.abs(value) > limits().numberMagnitude ? `numbers are limited to ±${limits().numberMagnitude}` : null;
}
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A row, column or adjustment id (also a cell's key, which is a column id). */
export function idProblem(id: unknown, what = 'id'): string | null {
  if (typeof id !== 'string') return `expected a text ${what}`;
  if (id.length > limits().idChars) return `${what} is longer than ${limits().idChars} characters`;
  return ENTITY_ID_PATTERN.test(id) ? null : `${what} must be letters, digits, _ or - only`;
}

export function textProblem(value: unknown, max: number, what: string): string | null {
  if (typeof value !== 'string') return `expected ${what} as text`;
  return value.length > max ? `${what} is longer than ${max.toLocaleString('en-US')} characters` : null;
}

/** A cell time (`t`): finite and not negative. Times far in the future are clamped by the server, not refused. */
export function timeProblem(t: unknown): string | null {
  return isFiniteNumber(t) && t >= 0 ? null : 'expected a time (a finite number of ms)';
}

/** A cell `{ v, t, by }`: a JSON scalar `v` (text within the cell limit), a time, a user id. */
export function cellProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'expected a cell { v, t, by }';
  const { v, t, by } = value;
  if (typeof v === 'string') {
    if (v.length > limits().cellTextChars) return `text is longer than ${limits().cellTextChars.toLocaleString('en-US')} characters`;
  } else if (typeof v === 'number') {
    const problem = numberProblem(v);
    if (problem) return problem;
  } else if (!(v === null || typeof v === 'boolean')) {
    return 'expected a cell { v, t, by } with v text, a finite number, true/false or null';
  }
  return timeProblem(t) ?? byProblem(by) ?? (Object.keys(value).length > 3 ? extraFieldsProblem(value, ['v', 't', 'by']) : null);
}

/** Fields a later version may add: allowed, but small (readers ignore them). */
const EXTRA_JSON_CHARS = 1024;

function extraFieldsProblem(value: Record<string, unknown>, known: readonly string[]): string | null {
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (!known.includes(key)) extra[key] = value[key];
  return plainProblem(extra);
}

/** A plain value under a key the schema does not name: JSON of at most EXTRA_JSON_CHARS characters. */
export function plainProblem(value: unknown): string | null {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return 'expected a plain JSON value';
  }
  return json !== undefined && json.length > EXTRA_JSON_CHARS ? `extra fields are limited to ${EXTRA_JSON_CHARS} characters of JSON` : null;
}

export function byProblem(by: unknown): string | null {
  if (typeof by !== 'string') return 'expected by (a user id) as text';
  return by.length > limits().idChars ? `by is longer than ${limits().idChars} characters` : null;
}

export function adjustmentProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'expected adjustments { row, col, d, t, by, id }';
  const { row, col, d, t, by, id } = value;
  const dProblem = numberProblem(d);
  if (dProblem) return `adjustment d: ${dProblem}`;
  return idProblem(row, 'row') ?? idProblem(col, 'col') ?? idProblem(id, 'id') ?? timeProblem(t) ?? byProblem(by);
}

export function conflictProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'expected conflict records { row, col, kept, lost }';
  const { row, col, kept, lost } = value;
  return idProblem(row, 'row') ?? idProblem(col, 'col') ?? cellProblem(kept) ?? cellProblem(lost);
}

export function orderProblem(value: unknown): string | null {
  return textProblem(value, limits().orderChars, 'an order key');
}

/** A plain (non-type) field of `meta`. */
export function metaFieldProblem(key: string | null, value: unknown): string | null {
  if (key === 'title') return textProblem(value, limits().titleChars, 'the title');
  if (key === 'template') return TEMPLATE_NAMES.includes(value as never) ? null : 'expected a template name';
  if (key === 'createdAt') return isFiniteNumber(value) ? null : 'expected a time';
  return plainProblem(value);
}

/** A plain field of a column's map. */
export function columnFieldProblem(key: string | null, value: unknown): string | null {
  if (key === 'name') return textProblem(value, limits().columnNameChars, 'a column name');
  if (key === 'order') return orderProblem(value);
  if (key === 'type') return COLUMN_TYPES.includes(value as never) ? null : 'expected a column type';
  if (key === 'deleted') return value === true ? null : 'expected deleted: true';
  if (key === 'width') {
    return isFiniteNumber(value) && value >= COLUMN_WIDTH_MIN && value <= COLUMN_WIDTH_MAX ? null : `expected a width of ${COLUMN_WIDTH_MIN}–${COLUMN_WIDTH_MAX} px`;
  }
  return plainProblem(value);
}

/** An entry of `users` (userId → { name }). */
export function userProblem(key: string | null, value: unknown): string | null {
  if (key === null) return 'expected a map entry';
  if (key.length > limits().idChars) return `user id is longer than ${limits().idChars} characters`;
  if (!isRecord(value)) return `expected a user { name } (at most ${USER_NAME_MAX} characters)`;
  return textProblem(value.name, USER_NAME_MAX, 'a user name') ?? (Object.keys(value).length > 1 ? extraFieldsProblem(value, ['name']) : null);
}

/** A plain field of a row's map (`cells` is a map, checked apart). */
export function rowFieldProblem(key: string | null, value: unknown): string | null {
  if (key === 'order') return orderProblem(value);
  if (key === 'deleted') return value === true ? null : 'expected deleted: true';
  return plainProblem(value);
}
