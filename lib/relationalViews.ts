// The SQL of the relational views over materialized sheets, in one place.
// Each sheet is stored in a wide table "sd_<sheetId>" (row_id, ord, deleted, one typed column "c_<hex of
// colId>" per sheet column: DuckDB identifiers ignore case, so ids that differ only in case, or carry any
// character at all, still get distinct, safe names); "sheet_<sheetId>" names its live columns; `products` and `sales` union the live
// sheets made from those templates with the template's typed columns.
import { TEMPLATE_COLUMNS, type ColumnType, type TemplateName } from './schema';

export interface StoredColumn {
  id: string;
  name: string;
  type: ColumnType;
  deleted: boolean;
}

export interface StoredSheet {
  id: string;
  template: TemplateName;
  /** In display order. */
  columns: StoredColumn[];
}

export const SQL_TYPES: Record<ColumnType, string> = { text: 'VARCHAR', number: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE' };

/**
 * SQL text cannot hold a NUL byte (DuckDB's parser ends the statement there, so one column named with a NUL
 * would stop its sheet from materializing): in names and literals written into SQL it becomes U+FFFD.
 * Every other character is safe inside quotes. Values never go this way: they are bound as parameters.
 */
export const sqlSafeText = (text: string) => text.replaceAll('\u0000', '\uFFFD');

export function ident(name: string): string {
  return `"${sqlSafeText(name).replaceAll('"', '""')}"`;
}

export function literal(value: string): string {
  return `'${sqlSafeText(value).replaceAll("'", "''")}'`;
}

export const sheetTable = (sheetId: string) => ident(`sd_${sheetId}`);
/** Where a sheet's table is rewritten before it replaces `sheetTable` ('sdr_' never equals 'sd_' + an id). */
export const rebuildTable = (sheetId: string) => ident(`sdr_${sheetId}`);
export const sheetView = (sheetId: string) => ident(`sheet_${sheetId}`);
export const physicalColumn = (colId: string) => ident(`c_${hexOf(colId)}`);

/** Bumped whenever the physical layout of the sheet tables changes: sheets stored under another are rebuilt. */
export const MATERIALIZED_LAYOUT = '2';

function hexOf(text: string): string {
  let hex = '';
  for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A column alias from a sheet's (user-written) column name: control characters removed, length bounded. */
function aliasOf(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach SQL text
  return name.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
}

export function createSheetTableSql(sheetId: string, columns: readonly StoredColumn[], table = sheetTable(sheetId)): string {
  const typed = columns.map((c) => `, ${physicalColumn(c.id)} ${SQL_TYPES[c.type]}`).join('');
  return `CREATE OR REPLACE TABLE ${table} (row_id VARCHAR PRIMARY KEY, ord VARCHAR NOT NULL, deleted BOOLEAN NOT NULL${typed})`;
}

/** Staging holds dates as text; the upsert casts them (TRY_CAST: a bad date becomes NULL, never an error). */
export function createStagingTableSql(stagingName: string, columns: readonly StoredColumn[]): string {
  const typed = columns.map((c) => `, ${physicalColumn(c.id)} ${c.type === 'date' ? 'VARCHAR' : SQL_TYPES[c.type]}`).join('');
  return `CREATE OR REPLACE TEMP TABLE ${ident(stagingName)} (row_id VARCHAR, ord VARCHAR, deleted BOOLEAN${typed})`;
}

export function upsertFromStagingSql(sheetId: string, stagingName: string, columns: readonly StoredColumn[], table = sheetTable(sheetId)): string {
  const select = columns.map((c) => (c.type === 'date' ? `, TRY_CAST(${physicalColumn(c.id)} AS DATE)` : `, ${physicalColumn(c.id)}`)).join('');
  const updates = ['ord = excluded.ord', 'deleted = excluded.deleted', ...columns.map((c) => `${physicalColumn(c.id)} = excluded.${physicalColumn(c.id)}`)];
  return `INSERT INTO ${table} SELECT row_id, ord, deleted${select} FROM ${ident(stagingName)}
ON CONFLICT (row_id) DO UPDATE SET ${updates.join(', ')}`;
}

/** Live columns named by their sheet names (duplicates get a numeric suffix), deleted rows left out. */
export function sheetViewSql(sheetId: string, columns: readonly StoredColumn[]): string {
  const used = new Set(['row_id']);
  const select = columns
    .filter((c) => !c.deleted)
    .map((c) => {
      const base = aliasOf(c.name) || aliasOf(c.id) || 'column';
      let name = base;
      for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}_${i}`;
      used.add(name.toLowerCase());
      return `, ${physicalColumn(c.id)} AS ${ident(name)}`;
    })
    .join('');
  return `CREATE OR REPLACE VIEW ${sheetView(sheetId)} AS SELECT row_id${select} FROM ${sheetTable(sheetId)} WHERE NOT deleted ORDER BY ord, row_id`;
}

/**
 * The workspace view of a template (`products`, `sales`): every live sheet of it, by column name. `ifMissing`
 * creates it only where there is none (a new file: the materializer reads the views from its first write).
 */
export function workspaceViewSql(template: Exclude<TemplateName, 'blank'>, sheets: readonly StoredSheet[], ifMissing = false): string {
  const spec = TEMPLATE_COLUMNS[template];
  const members = sheets.filter((s) => s.template === template);
  const parts = members.map((sheet) => {
    const select = spec.map((wanted) => {
      const column = sheet.columns.find((c) => !c.deleted && c.name.toLowerCase() === wanted.name);
      const source = column ? `TRY_CAST(${physicalColumn(column.id)} AS ${SQL_TYPES[wanted.type]})` : `NULL::${SQL_TYPES[wanted.type]}`;
      return `${source} AS ${ident(wanted.name)}`;
    });
    return `SELECT ${literal(sheet.id)} AS sheet_id, row_id, ${select.join(', ')} FROM ${sheetTable(sheet.id)} WHERE NOT deleted`;
  });
  if (parts.length === 0) {
    const select = spec.map((c) => `NULL::${SQL_TYPES[c.type]} AS ${ident(c.name)}`);
    parts.push(`SELECT NULL::VARCHAR AS sheet_id, NULL::VARCHAR AS row_id, ${select.join(', ')} WHERE false`);
  }
  return `${ifMissing ? 'CREATE VIEW IF NOT EXISTS' : 'CREATE OR REPLACE VIEW'} ${ident(template)} AS ${parts.join('\nUNION ALL ')}`;
}
