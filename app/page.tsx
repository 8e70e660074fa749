import Link from 'next/link';
import { redirect } from 'next/navigation';
import { syncServerJson } from '@/lib/node/syncServerClient';
import { whoAmI } from '@/lib/node/whoami';
import { CreateSheetForm } from './components/CreateSheetForm';
import { LocalTime } from './components/LocalTime';
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
  // A viewer reads every sheet and changes none: no create, rename, delete or restore to offer (the sync
  // server refuses them anyway). Unknown (the server unreachable): offered, and the server decides.
  let viewer = false;
  try {
    let who: Awaited<ReturnType<typeof whoAmI>>;
    [sheets, trash, who] = await Promise.all([
      syncServerJson<{ sheets: SheetSummary[] }>('/sheets').then((b) => b.sheets),
      syncServerJson<{ trash: TrashedSheet[] }>('/trash').then((b) => b.trash),
      whoAmI(),
    ]);
    viewer = who?.identity?.role === 'viewer';
  } catch (e) {
    error = (e as Error).message;
    // A stale or revoked session: sign in again (a workspace without an owner goes on to setup).
    if ((e as { status?: number }).status === 401) redirect('/signin');
  }
  return (
    <section>
      <h1>Sheets</h1>
      {error ? <p className="error">The sync server is not reachable: {error}</p> : null}
      {viewer ? (
        <p className="muted" data-testid="viewer-note">
          You are a viewer of this workspace: you can open and read every sheet, not change them.
        </p>
      ) : null}
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
              <td>
                <LocalTime iso={sheet.updatedAt} />
              </td>
              <td>{viewer ? null : <SheetRowActions id={sheet.id} title={sheet.title} />}</td>
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
                  <td>
                    <LocalTime iso={sheet.deletedAt} />
                  </td>
                  <td>
                    <LocalTime iso={sheet.restorableUntil} dateOnly />
                  </td>
                  <td>{viewer ? null : <RestoreButton id={sheet.id} title={sheet.title} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </>
      )}
      {viewer ? null : (
        <>
          <h2>New sheet</h2>
          <CreateSheetForm />
        </>
      )}
    </section>
  );
}
