// DESIGN "limits": DuckDB equals the document. A fresh stock client's sheet (columns and rows in display
// order) against what GET /api/sheets/:id serves from DuckDB, waited for since materializing is periodic.
import { readSheet } from '../../lib/sheetDoc';
import { connectStockClient } from './stockClient';
import { waitFor, type SyncServerProcess } from './syncServerProcess';

/** Resolves once DuckDB serves what a fresh client reads; throws after `timeoutMs` otherwise. */
export async function waitForDuckDbToEqualDocument(server: SyncServerProcess, sheetId: string, { timeoutMs = 5000 } = {}): Promise<void> {
  const fresh = connectStockClient(server.wsUrl, sheetId);
  try {
    await fresh.synced();
    const expected = readSheet(fresh.doc);
    const columns = expected.columns.map((c) => ({ id: c.id, name: c.name, type: c.type }));
    await waitFor(
      async () => {
        const { body } = await server.api(`/sheets/${sheetId}`);
        return JSON.stringify(body.columns) === JSON.stringify(columns) && JSON.stringify(body.rows) === JSON.stringify(expected.rows);
      },
      { timeoutMs, what: `DuckDB to equal the document of ${sheetId}` },
    );
  } finally {
    fresh.destroy();
  }
}
