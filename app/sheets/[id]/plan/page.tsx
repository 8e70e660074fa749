// /sheets/:id/plan — brand → family → product plan of a products sheet, with top-down spreading. Like the
// grid, the server hands over only the sheet id and the sync settings; the document comes from IndexedDB
// and the sync server, in the browser.
import { notFound } from 'next/navigation';
import PlanApp from '@/app/components/plan/PlanApp';
import { publicSyncSettings } from '@/lib/node/syncServerClient';
import { isSheetId } from '@/lib/schema';

export const dynamic = 'force-dynamic';

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isSheetId(id)) notFound();
  return <PlanApp sheetId={id} settings={publicSyncSettings()} />;
}
