'use client';
// Export the sheet as CSV, or append rows from a CSV file, all or nothing. A file of moderate size is parsed
// and validated here and applied to this browser's document in one transaction with the local origin, so
// the whole import is one Undo step for the person who imported (and works offline); a larger file goes to
// the server's import (chunked there), which cannot be undone from the page.
import { useRef, useState } from 'react';
import { parseCsvTable } from '@/lib/csv';
import { planCsvImport } from '@/lib/csvImport';
import type { SheetConnection } from '@/lib/client/sheetConnection';
import { insertRowsUndoable, readColumns, SheetError } from '@/lib/sheetDoc';
import { READ_ONLY_MESSAGE } from './grid/SheetGrid';

/** A server import's progress (GET /api/sheets/:id/imports/:job). */
interface ImportProgress {
  state: string;
  rowsChecked: number;
  rows: number | null;
  rowsWritten: number;
}

function describeProgress(p: ImportProgress | null): string {
  if (p?.state === 'checking') return `Checking ${p.rowsChecked.toLocaleString()} rows…`;
  if (p?.state === 'writing') return `Importing ${p.rowsWritten.toLocaleString()} of ${(p.rows ?? 0).toLocaleString()}…`;
  return 'Importing…';
}

/** Above this the one Yjs update an import makes could pass the socket's message limit: the server imports it. */
export const BROWSER_IMPORT_MAX_BYTES = 2 * 1024 * 1024;

export function CsvControls({
  conn,
  notify,
  ready,
  readOnly,
}: {
  conn: SheetConnection;
  notify: (text: string, kind?: 'error' | 'info') => void;
  /** The document has loaded (its columns are known). */
  ready: boolean;
  /** A viewer's page: export only. */
  readOnly: boolean;
}) {
  const sheetId = conn.sheetId;
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);

  function importHere(text: string, name: string) {
    const table = parseCsvTable(text);
    if (!table.ok) return notify(`Import refused: ${table.message}. Nothing was added.`, 'error');
    const plan = planCsvImport(table.header, table.records, readColumns(conn.doc));
    if (!plan.ok) return notify(`Import refused: ${plan.message}. Nothing was added.`, 'error');
    let ids: string[];
    try {
      ids = insertRowsUndoable(conn.doc, plan.rows, {}, conn.editor);
    } catch (error) {
      // A value that changed type meanwhile, or a sheet that would pass its caps: nothing was written.
      if (error instanceof SheetError) return notify(`Import refused: ${error.message}. Nothing was added.`, 'error');
      throw error;
    }
    notify(`Imported ${ids.length.toLocaleString()} rows from ${name}. Undo removes them in one step.`);
  }

  async function importOnServer(file: File) {
    // The server checks and writes a big file in chunks; its progress is polled by the import's job id.
    const job = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    const poll = setInterval(() => {
      fetch(`/api/sheets/${sheetId}/imports/${job}`)
        .then((r) => (r.ok ? r.json() : null))
        .then((p: ImportProgress | null) => p && setProgress(p))
        .catch(() => undefined);
    }, 500);
    let response: Response;
    try {
      response = await fetch(`/api/sheets/${sheetId}/import?job=${job}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file });
    } finally {
      clearInterval(poll);
      setProgress(null);
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) notify(`Import refused: ${body?.error?.message ?? `error ${response.status}`}. Nothing was added.`, 'error');
    else notify(`Imported ${body.count.toLocaleString()} rows from ${file.name} on the server (a large import is not undone by Undo).`);
  }

  async function importFile(file: File) {
    if (readOnly) return notify(`${READ_ONLY_MESSAGE}. Nothing was added.`, 'error');
    if (!ready) return notify('The sheet is still opening: import once it shows its rows. Nothing was added.', 'error');
    setBusy(true);
    try {
      if (file.size <= BROWSER_IMPORT_MAX_BYTES) importHere(await file.text(), file.name);
      else await importOnServer(file);
    } catch (error) {
      notify(error instanceof TypeError ? 'A large import needs the server: you are offline. Nothing was added.' : `Import failed: ${String(error)}`, 'error');
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <>
      <a href={`/api/sheets/${sheetId}/export.csv`} download data-testid="export-csv" title="Download the sheet as CSV (saved state)">
        Export CSV
      </a>
      {readOnly ? null : (
        <button
          type="button"
          onClick={() => input.current?.click()}
          disabled={busy || !ready}
          data-testid="import-csv"
          title={ready ? 'Append rows from a CSV file whose header names the columns' : 'The sheet is still opening'}
        >
          {busy ? describeProgress(progress) : 'Import CSV'}
        </button>
      )}
      <input
        ref={input}
        type="file"
        accept=".csv,text/csv"
        hidden
        data-testid="import-csv-file"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void importFile(file);
        }}
      />
    </>
  );
}
