import Link from 'next/link';
import { syncServerJson } from '@/lib/node/syncServerClient';
import { CreateSheetForm } from './components/CreateSheetForm';

export const dynamic = 'force-dynamic';

interface SheetSummary {
  id: string;
  title: string;
  template: string;
  rowCount: number;
  columnCount: number;
  updatedAt: string;
}

export default async function SheetsPage() {
  let sheets: SheetSummary[] = [];
  let error: string | null = null;
  try {
    sheets = (await syncServerJson<{ sheets: SheetSummary[] }>('/sheets')).sheets;
  } catch (e) {
    error = (e as Error).message;
  }
  return (
    <section>
      <h1>Sheets</h1>
      {error ? <p className="error">The sync server is not reachable: {error}</p> : null}
      <table className="data" data-testid="sheet-list">
        <thead>
          <tr>
            <th>Title</th>
            <th>Template</th>
            <th>Rows</th>
            <th>Columns</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {sheets.map((sheet) => (
            <tr key={sheet.id}>
              <td>
                <Link href={`/sheets/${sheet.id}`}>{sheet.title}</Link>
              </td>
              <td>{sheet.template}</td>
              <td className="num">{sheet.rowCount}</td>
              <td className="num">{sheet.columnCount}</td>
              <td>{new Date(sheet.updatedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>New sheet</h2>
      <CreateSheetForm />
    </section>
  );
}
