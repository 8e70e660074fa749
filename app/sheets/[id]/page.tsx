// /sheets/:id — the grid. The server only hands over the sheet id and the run-time sync settings; the
// document itself comes from IndexedDB and the sync server, in the browser.
import { notFound } from 'next/navigation';
import SheetApp from '@/app/components/SheetApp';
import { publicSyncSettings } from '@/lib/node/syncServerClient';
import { isSheetId } from '@/lib/schema';

export const dynamic = 'force-dynamic';

export default async function SheetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isSheetId(id)) notFound();
  return <SheetApp sheetId={id} settings={publicSyncSettings()} />;
}
