// /sheets/:id — the grid. The server hands over the sheet id, the run-time sync settings and the first
// screen of rows as materialized in DuckDB, drawn at once (SheetPreview); the document itself comes from
// IndexedDB and the sync server, in the browser, and the live grid takes the preview's place.
import { notFound } from 'next/navigation';
import SheetApp from '@/app/components/SheetApp';
import type { SheetWindow } from '@/app/components/grid/SheetPreview';
import { publicSyncSettings, sheetPath, syncServerJson } from '@/lib/node/syncServerClient';
import { isSheetId } from '@/lib/schema';

/** Rows in the server-rendered first screen: a tall window's worth (28 px rows). */
const PREVIEW_ROWS = 45;

export const dynamic = 'force-dynamic';

export default async function SheetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isSheetId(id)) notFound();
  // Without a materialized copy (a new sheet, no access, the sync server down) the page opens as before.
  const preview = await syncServerJson<SheetWindow>(`${sheetPath(id)}/window?rows=${PREVIEW_ROWS}`).catch(() => null);
  return <SheetApp sheetId={id} settings={publicSyncSettings()} preview={preview} />;
}
