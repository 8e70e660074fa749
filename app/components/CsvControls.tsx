'use client';
// Export the sheet as CSV, or append rows from a CSV file (validated on the server, all or nothing).
import { useRef, useState } from 'react';

export function CsvControls({ sheetId, notify }: { sheetId: string; notify: (text: string, kind?: 'error' | 'info') => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  async function importFile(file: File) {
    setBusy(true);
    try {
      const response = await fetch(`/api/sheets/${sheetId}/import`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file });
      const body = await response.json().catch(() => null);
      if (!response.ok) notify(`Import refused: ${body?.error?.message ?? `error ${response.status}`}. Nothing was added.`, 'error');
      else notify(`Imported ${body.count.toLocaleString()} rows from ${file.name}.`);
    } catch {
      notify('Import needs the server: you are offline. Nothing was added.', 'error');
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
      <button type="button" onClick={() => input.current?.click()} disabled={busy} data-testid="import-csv" title="Append rows from a CSV file whose header names the columns">
        {busy ? 'Importing…' : 'Import CSV'}
      </button>
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
