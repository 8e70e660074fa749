'use client';
// The first screen of a sheet as the server materialized it (GET /internal/sheets/:id/window), drawn in the
// grid's own markup and sizes (grid-scroll → grid-window → Spreadsheet__table, default column and row-label
// widths, 28 px rows), so the page paints real data in its first HTML, before the scripts and the document
// have loaded; the live grid replaces it in place once the document is there. Read-only: nothing here
// edits anything.
import type { CSSProperties } from 'react';
import { DEFAULT_COLUMN_WIDTH } from '@/lib/client/columnGeometry';
import type { CellValue, ColumnType } from '@/lib/schema';
import { displayValue } from './cells';

export interface SheetWindow {
  id: string;
  title: string;
  template: string;
  columns: Array<{ id: string; name: string; type: string }>;
  rows: Array<{ id: string; values: Record<string, unknown> }>;
  rowCount?: number;
}

const LABEL_WIDTH = 56;
const ROW_HEIGHT = 28;

export default function SheetPreview({ window: sheet, chrome = false }: { window: SheetWindow; chrome?: boolean }) {
  const rowCount = sheet.rowCount ?? sheet.rows.length;
  const width = LABEL_WIDTH + sheet.columns.length * DEFAULT_COLUMN_WIDTH;
  const table = (
    <div className="grid-scroll" data-testid="sheet-preview" aria-busy="true">
      <div className="grid-spacer" style={{ height: ROW_HEIGHT * (rowCount + 1), width }}>
        <div className="grid-window" style={{ top: 0, left: 0 } as CSSProperties}>
          <div className="Spreadsheet">
            <table className="Spreadsheet__table" style={{ width }}>
              <colgroup>
                <col style={{ width: LABEL_WIDTH }} />
                {sheet.columns.map((column) => (
                  <col key={column.id} style={{ width: DEFAULT_COLUMN_WIDTH }} />
                ))}
              </colgroup>
              <tbody>
                <tr>
                  <th className="Spreadsheet__header" />
                  {sheet.columns.map((column) => (
                    <th key={column.id} className="Spreadsheet__header col-header">
                      <span className="col-name">{column.name}</span>
                      <span className="col-type">{column.type}</span>
                    </th>
                  ))}
                </tr>
                {sheet.rows.map((row, r) => (
                  <tr key={row.id}>
                    <th className="Spreadsheet__header">{r + 1}</th>
                    {sheet.columns.map((column) => (
                      <td key={column.id} className="Spreadsheet__cell Spreadsheet__cell--readonly">
                        <span className={`cv cv-${column.type}`}>{displayValue(row.values[column.id] as CellValue, column.type as ColumnType)}</span>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
  if (!chrome) return table;
  // Before the connection exists the page has no header or toolbar yet: stand-ins of their height keep the
  // grid where it will be.
  return (
    <>
      <header className="sheet-header">
        <span className="sheet-tab" aria-current="page">
          {sheet.title}
        </span>
      </header>
      <div className="toolbar" aria-hidden="true">
        <button type="button" disabled>
          Loading…
        </button>
      </div>
      <main className="sheet-main">{table}</main>
    </>
  );
}
