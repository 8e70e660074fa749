// Typed cell values: validation of JSON values (API, documents) and parsing of what a person types.
import { limits } from './limits';
import type { CellValue, ColumnType } from './schema';
import { numberProblem } from './schemaRules';

export type ValueCheck = { ok: true; value: CellValue } | { ok: false; message: string };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Checks a JSON value against a column type. `null` clears a cell of any type. */
export function checkValue(value: unknown, type: ColumnType): ValueCheck {
  if (value === null) return { ok: true, value: null };
  switch (type) {
    case 'text':
      if (typeof value === 'string') {
        const max = limits().cellTextChars;
        return value.length <= max ? { ok: true, value } : { ok: false, message: `text is longer than ${max.toLocaleString('en-US')} characters` };
      }
      return { ok: false, message: `expected text, got ${describe(value)}` };
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) {
        const problem = numberProblem(value);
        return problem ? { ok: false, message: problem } : { ok: true, value };
      }
      return { ok: false, message: `expected a finite number, got ${describe(value)}` };
    case 'date':
      if (typeof value === 'string' && isIsoDate(value)) return { ok: true, value };
      return { ok: false, message: `expected a date as YYYY-MM-DD, got ${describe(value)}` };
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      return { ok: false, message: `expected true or false, got ${describe(value)}` };
  }
}

/** Parses text typed into a cell (or pasted, or imported from CSV). Empty text clears the cell. */
export function parseInput(text: string, type: ColumnType): ValueCheck {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  switch (type) {
    case 'text':
      return checkValue(text, 'text');
    case 'number': {
      const normalized = trimmed.replace(/[,_\s]/g, '');
      const number = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalized) ? Number(normalized) : NaN;
      return Number.isFinite(number) ? checkValue(number, 'number') : { ok: false, message: `"${short(trimmed)}" is not a number` };
    }
    case 'date':
      return isIsoDate(trimmed) ? { ok: true, value: trimmed } : { ok: false, message: `"${short(trimmed)}" is not a date (YYYY-MM-DD)` };
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (['true', 'yes', 'y', '1', 'x'].includes(lower)) return { ok: true, value: true };
      if (['false', 'no', 'n', '0'].includes(lower)) return { ok: true, value: false };
      return { ok: false, message: `"${short(trimmed)}" is not true or false` };
    }
  }
}

/** Recognises a stock adjustment typed into a number cell: "+5", "-3", "+2.5". */
export function parseAdjustment(text: string): number | null {
  const match = /^\s*([+-])\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return null;
  const amount = Number(match[2]);
  return match[1] === '-' ? -amount : amount;
}

export function formatValue(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${short(value)}"`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
