import Link from 'next/link';
import { redirect } from 'next/navigation';
import { syncServerJson } from '@/lib/node/syncServerClient';
import { CreateSheetForm } from './components/CreateSheetForm';
import { RestoreButton, SheetRowActions } from './components/SheetListActions';

export const dynamic = 'force-dynamic';

interface SheetSummary {
  id: string;
  title: string;
  template: string;
  rowCount: number;
  columnCount: number;
  updatedAt: string;
}

interface TrashedSheet {
  id: string;
  title: string;
  template: string;
  deletedAt: string;
  restorableUntil: string;
}

export default async function SheetsPage() {
  let sheets: SheetSummary[] = [];
  let trash: TrashedSheet[] = [];
  let error: string | null = null;
  try {
    [sheets, trash] = await Promise.all([
      syncServerJson<{ sheets: SheetSummary[] }>('/sheets').then((b) => b.sheets),
      syncServerJson<{ trash: TrashedSheet[] }>('/trash').then((b) => b.trash),
    ]);
  } catch (e) {
    error = (e as Error).message;
    // A stale or revoked session: sign in again (a workspace without an owner goes on to setup).
    if ((e as { status?: number }).status === 401) redirect('/signin');
  }
  return (
    <section>
      <h1>Sheets</h1>
      {error ? <p className="error">The sync server is not reachable: {error}</p> : null}
      <div className="table-scroll">
      <table className="data" data-testid="sheet-list">
        <thead>
          <tr>
            <th>Title</th>
            <th>Template</th>
            <th>Rows</th>
            <th>Columns</th>
            <th>Updated</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
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
              <td>
                <SheetRowActions id={sheet.id} title={sheet.title} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {trash.length > 0 && (
        <>
          <h2>Trash</h2>
          <p className="muted">Deleted sheets are hidden from lists, insights and live sync; they can be restored for 30 days.</p>
          <div className="table-scroll">
          <table className="data" data-testid="trash-list">
            <thead>
              <tr>
                <th>Title</th>
                <th>Template</th>
                <th>Deleted</th>
                <th>Restorable until</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {trash.map((sheet) => (
                <tr key={sheet.id}>
                  <td>{sheet.title}</td>
                  <td>{sheet.template}</td>
                  <td>{new Date(sheet.deletedAt).toLocaleString()}</td>
                  <td>{new Date(sheet.restorableUntil).toLocaleDateString()}</td>
                  <td>
                    <RestoreButton id={sheet.id} title={sheet.title} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </>
      )}
      <h2>New sheet</h2>
      <CreateSheetForm />
    </section>
  );
}
