// Browser grid benchmark: a 5,000 × 20 sheet (100,000 cells) opened in Chromium against the production
// build and the real sync server. Measures
//   - open → first paint of the grid with data, cold (fresh browser profile: no IndexedDB copy) and warm
//     (reload: the document also comes from IndexedDB), median of several runs;
//   - a remote single-cell edit → repaint: a second client (node, y-websocket) sets a cell inside the
//     visible window; measured end to end (send → painted, same machine clock) and in the page
//     (WebSocket update received → painted), median of several edits;
//   - this page's view (lib/client/sheetView.ts): a sort (descending, by a number column) and a filter
//     (text contains) applied → repaint, in page, and a remote edit while sorted → repaint.
// Usage: `npx tsx bench/grid.ts` (prints JSON), or import { benchGrid } from './grid'.
import { chromium, type Browser, type Page } from '@playwright/test';
import { WebsocketProvider } from 'y-websocket';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { adminHeaders, E2E_ADMIN_TOKEN, ensureBuild, startApp } from '../e2e/servers';
import { HybridLogicalClock } from '../lib/hlc';
import { MESSAGE_SAVED, readSaved } from '../lib/protocol';
import type { CellValue } from '../lib/schema';
import { applyCellUpdates, insertColumn, insertRows, readColumns, readRowOrder } from '../lib/sheetDoc';

export interface GridBenchOptions {
  rows?: number;
  columns?: number;
  openRuns?: number;
  editRuns?: number;
  log?: (line: string) => void;
}

export interface GridBenchResult {
  rows: number;
  columns: number;
  cells: number;
  openFirstPaintMs: { coldMedian: number; warmMedian: number; cold: number[]; warm: number[] };
  /** Cold opens: when the live document was loaded (the `cellar:loaded` mark), the preview having been painted before. */
  liveLoadedMs: { coldMedian: number; cold: number[] };
  /** The whole document as one update (what a cold client receives), and compressed. */
  transfer: { v1Bytes: number; v2Bytes: number; v1DeflateBytes: number; v2DeflateBytes: number; deflateMs: number; inflateMs: number; encodeV1Ms: number; encodeV2Ms: number };
  remoteEditRepaintMs: { endToEndMedian: number; inPageMedian: number; endToEnd: number[]; inPage: number[] };
  viewApplyRepaintMs: { sortMedian: number; filterMedian: number; sort: number[]; filter: number[] };
  remoteEditWhileSortedMs: { inPageMedian: number; inPage: number[] };
}

const SAVED_SCRIPT = "window.__cellar && window.__cellar.store.getState().status.state === 'saved'";
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A node client on the sheet's room: used to build the big sheet and to make remote edits. */
async function connectClient(syncPort: number, sheetId: string) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${syncPort}`, sheetId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token: E2E_ADMIN_TOKEN },
  });
  let saved = new Map<number, number>();
  const waiters: (() => void)[] = [];
  provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    saved = readSaved(decoder);
    for (const wake of waiters.splice(0)) wake();
  };
  await new Promise<void>((resolve) => {
    if (provider.synced) return resolve();
    const onSync = (synced: boolean) => {
      if (!synced) return;
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
  const waitSaved = async (timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while ((saved.get(doc.clientID) ?? 0) < Y.getState(doc.store, doc.clientID)) {
      if (Date.now() > deadline) throw new Error('the sync server did not acknowledge the bench sheet');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 500);
      });
    }
  };
  return { doc, provider, waitSaved, editor: { clock: new HybridLogicalClock(), userId: 'bench-remote' } };
}

/** Sizes of the document as Yjs update formats V1 (what y-protocols' sync sends) and V2, raw and deflated (permessage-deflate's algorithm). */
function measureTransfer(doc: Y.Doc): GridBenchResult['transfer'] {
  const time = <T>(work: () => T): [T, number] => {
    const start = performance.now();
    const value = work();
    return [value, performance.now() - start];
  };
  const [v1, encodeV1Ms] = time(() => Y.encodeStateAsUpdate(doc));
  const [v2, encodeV2Ms] = time(() => Y.encodeStateAsUpdateV2(doc));
  const [v1Deflated, deflateMs] = time(() => deflateRawSync(v1, { level: 1 }));
  const v2Deflated = deflateRawSync(v2, { level: 1 });
  const [, inflateMs] = time(() => inflateRawSync(v1Deflated));
  return {
    v1Bytes: v1.byteLength,
    v2Bytes: v2.byteLength,
    v1DeflateBytes: v1Deflated.byteLength,
    v2DeflateBytes: v2Deflated.byteLength,
    deflateMs: round(deflateMs),
    inflateMs: round(inflateMs),
    encodeV1Ms: round(encodeV1Ms),
    encodeV2Ms: round(encodeV2Ms),
  };
}

async function openAndMeasure(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  // First paint of real data: the first data cell has text, then the frame that shows it. (In-page code
  // is a string: tsx would otherwise wrap named functions in a helper the page does not have.)
  return page.evaluate(FIRST_PAINT_SCRIPT) as Promise<number>;
}

const FIRST_PAINT_SCRIPT = `new Promise((resolve) => {
  const check = () => {
    const td = document.querySelector('.Spreadsheet__table tr:nth-child(2) td:nth-child(2)');
    if (td && td.textContent) {
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
      return;
    }
    requestAnimationFrame(check);
  };
  check();
})`;

const TOP_TEXT_SCRIPT = "document.querySelector('.Spreadsheet__table tr:nth-child(2) td:nth-child(2)')?.textContent ?? ''";

const REMOTE_EDIT_SCRIPT = (expected: string) => `new Promise((resolve) => {
  const expected = ${JSON.stringify(expected)};
  const conn = window.__cellar;
  let receivedAt = 0;
  let storeAt = 0;
  const unsub = conn.store.subscribe(() => { if (!storeAt && receivedAt) storeAt = performance.timeOrigin + performance.now(); });
  const onUpdate = (transaction) => {
    if (transaction.origin === conn.provider && !receivedAt) receivedAt = performance.timeOrigin + performance.now();
  };
  conn.doc.on('beforeTransaction', onUpdate);
  const target = () => document.querySelector('.Spreadsheet__table tr:nth-child(2) td:nth-child(2)');
  const observer = new MutationObserver(() => {
    if (!target() || target().textContent !== expected) return;
    observer.disconnect();
    unsub();
    const domAt = performance.timeOrigin + performance.now();
    conn.doc.off('beforeTransaction', onUpdate);
    requestAnimationFrame(() => setTimeout(() => resolve({ receivedAt, storeAt, domAt, paintedAt: performance.timeOrigin + performance.now() }), 0));
  });
  observer.observe(document.querySelector('.Spreadsheet') || document.body, { subtree: true, childList: true, characterData: true });
  window.__benchArmed = true;
})`;

/** Applies a view in the page and resolves when the first cell shows `expected` and a frame has painted. */
const VIEW_SCRIPT = (spec: unknown, expected: string) => `new Promise((resolve) => {
  const expected = ${JSON.stringify(expected)};
  const target = () => document.querySelector('.Spreadsheet__table tr:nth-child(2) td:nth-child(2)');
  const started = performance.now();
  const done = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started), 0));
  const observer = new MutationObserver(() => {
    if (!target() || target().textContent !== expected) return;
    observer.disconnect();
    done();
  });
  observer.observe(document.querySelector('.Spreadsheet') || document.body, { subtree: true, childList: true, characterData: true });
  window.__cellar.setView(${JSON.stringify(spec)});
  if (target() && target().textContent === expected) { observer.disconnect(); done(); }
})`;

export async function benchGrid(options: GridBenchOptions = {}): Promise<GridBenchResult> {
  const rows = options.rows ?? 5000;
  const columns = options.columns ?? 20;
  const openRuns = options.openRuns ?? 5;
  const editRuns = options.editRuns ?? 9;
  const log = options.log ?? ((line: string) => console.error(line));

  ensureBuild(log);
  const app = await startApp({ seed: false });
  let browser: Browser | null = null;
  let client: Awaited<ReturnType<typeof connectClient>> | null = null;
  try {
    const created = await fetch(`${app.baseUrl}/api/sheets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...adminHeaders },
      body: JSON.stringify({ title: 'Bench grid', template: 'blank' }),
    });
    const { id } = (await created.json()) as { id: string };
    log(`bench grid: building a ${rows} × ${columns} sheet ${id}`);
    client = await connectClient(app.syncPort, id);
    const { doc, editor } = client;
    for (let c = readColumns(doc).length; c < columns; c++) insertColumn(doc, { name: `C${c + 1}`, type: c % 3 === 2 ? 'number' : 'text' }, undefined);
    const cols = readColumns(doc);
    const chunk = 500;
    for (let start = 0; start < rows; start += chunk) {
      const batch: Record<string, CellValue>[] = [];
      for (let r = start; r < Math.min(rows, start + chunk); r++) {
        const values: Record<string, CellValue> = {};
        cols.forEach((col, c) => (values[col.id] = col.type === 'number' ? r * 10 + c : `r${r + 1}c${c + 1}`));
        batch.push(values);
      }
      insertRows(doc, batch, {}, editor);
    }
    await client.waitSaved();
    log('bench grid: sheet stored; opening in Chromium');
    const transfer = measureTransfer(doc);
    log(`bench grid: document update V1 ${transfer.v1Bytes} B (deflated ${transfer.v1DeflateBytes} B), V2 ${transfer.v2Bytes} B (deflated ${transfer.v2DeflateBytes} B)`);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS, headless: true });
    const url = `${app.baseUrl}/sheets/${id}`;
    const cold: number[] = [];
    const warm: number[] = [];
    const live: number[] = [];
    for (let i = 0; i < openRuns; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block', extraHTTPHeaders: adminHeaders });
      const page = await context.newPage();
      cold.push(await openAndMeasure(page, url));
      await page.waitForFunction("performance.getEntriesByName('cellar:loaded').length > 0");
      live.push((await page.evaluate("performance.getEntriesByName('cellar:loaded')[0].startTime")) as number);
      if (process.env.CELLAR_BENCH_DEBUG) {
        const marks = (await page.evaluate("performance.getEntriesByType('mark').map((m) => m.name + '@' + Math.round(m.startTime)).join(' ')")) as string;
        const timing = (await page.evaluate(
          "(() => { const n = performance.getEntriesByType('navigation')[0]; const p = performance.getEntriesByType('paint').map((e) => e.name + '@' + Math.round(e.startTime)).join(' '); return `request@${Math.round(n.requestStart)} firstByte@${Math.round(n.responseStart)} lastByte@${Math.round(n.responseEnd)} (${n.transferSize} B) domInteractive@${Math.round(n.domInteractive)} ${p}`; })()",
        )) as string;
        log(`  cold marks: ${marks}; ${timing}`);
      }
      await page.waitForFunction(SAVED_SCRIPT);
      await page.waitForTimeout(300); // let IndexedDB store the copy
      warm.push(await openAndMeasure(page, url));
      await context.close();
    }
    log(`bench grid: open cold ${cold.map(round).join(', ')} ms; warm ${warm.map(round).join(', ')} ms`);

    // Remote edits into the visible window.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block', extraHTTPHeaders: adminHeaders });
    const page = await context.newPage();
    await openAndMeasure(page, url);
    await page.waitForFunction(SAVED_SCRIPT);
    const firstRow = readRowOrder(doc)[0].id;
    const firstCol = readColumns(doc)[0].id;
    const endToEnd: number[] = [];
    const inPage: number[] = [];
    for (let i = 0; i < editRuns; i++) {
      const text = `remote-${i}-${Date.now()}`;
      const armed = page.evaluate(REMOTE_EDIT_SCRIPT(text)) as Promise<{ receivedAt: number; paintedAt: number }>;
      await page.waitForFunction('window.__benchArmed === true');
      await page.evaluate('window.__benchArmed = false');
      const sentAt = performance.timeOrigin + performance.now();
      applyCellUpdates(doc, [{ row: firstRow, col: firstCol, value: text }], editor);
      const { receivedAt, paintedAt, storeAt, domAt } = (await armed) as { receivedAt: number; paintedAt: number; storeAt: number; domAt: number };
      if (process.env.CELLAR_BENCH_DEBUG) log(`  received→store ${round(storeAt - receivedAt)} store→dom ${round(domAt - storeAt)} dom→painted ${round(paintedAt - domAt)}`);
      endToEnd.push(paintedAt - sentAt);
      inPage.push(paintedAt - receivedAt);
      await page.waitForTimeout(150);
    }
    log(`bench grid: remote edit → repaint end-to-end ${endToEnd.map(round).join(', ')} ms; in page ${inPage.map(round).join(', ')} ms`);

    // This page's view: sort and filter applied → repaint; each run starts from the document's order.
    const numberCol = readColumns(doc).find((c) => c.type === 'number')!;
    const reset = VIEW_SCRIPT(null, (await page.evaluate(TOP_TEXT_SCRIPT)) as string);
    const sortTimes: number[] = [];
    const filterTimes: number[] = [];
    // Sorted descending by a number column (r × 10 + c), the sheet's last row comes first.
    const lastRow = readRowOrder(doc)[rows - 1].id;
    const lastRowText = `r${rows}c1`;
    for (let i = 0; i < editRuns; i++) {
      sortTimes.push((await page.evaluate(VIEW_SCRIPT({ sort: { col: numberCol.id, dir: 'desc' }, filters: [] }, lastRowText))) as number);
      await page.evaluate(reset);
      filterTimes.push((await page.evaluate(VIEW_SCRIPT({ sort: null, filters: [{ col: firstCol, op: 'contains', text: 'r4999c' }] }, 'r4999c1'))) as number);
      await page.evaluate(reset);
    }
    log(`bench grid: view applied → repaint: sort ${sortTimes.map(round).join(', ')} ms; filter ${filterTimes.map(round).join(', ')} ms`);

    // A remote edit while sorted: the top row of the sorted view (the sheet's last row), first column.
    await page.evaluate(VIEW_SCRIPT({ sort: { col: numberCol.id, dir: 'desc' }, filters: [] }, lastRowText));
    const sortedEdits: number[] = [];
    for (let i = 0; i < editRuns; i++) {
      const text = `sorted-${i}-${Date.now()}`;
      const armed = page.evaluate(REMOTE_EDIT_SCRIPT(text)) as Promise<{ receivedAt: number; paintedAt: number }>;
      await page.waitForFunction('window.__benchArmed === true');
      await page.evaluate('window.__benchArmed = false');
      applyCellUpdates(doc, [{ row: lastRow, col: firstCol, value: text }], editor);
      const { receivedAt, paintedAt } = await armed;
      sortedEdits.push(paintedAt - receivedAt);
      await page.waitForTimeout(150);
    }
    log(`bench grid: remote edit while sorted → repaint, in page ${sortedEdits.map(round).join(', ')} ms`);
    await context.close();

    return {
      rows,
      columns,
      cells: rows * columns,
      openFirstPaintMs: { coldMedian: round(median(cold)), warmMedian: round(median(warm)), cold: cold.map(round), warm: warm.map(round) },
      liveLoadedMs: { coldMedian: round(median(live)), cold: live.map(round) },
      transfer,
      remoteEditRepaintMs: {
        endToEndMedian: round(median(endToEnd)),
        inPageMedian: round(median(inPage)),
        endToEnd: endToEnd.map(round),
        inPage: inPage.map(round),
      },
      viewApplyRepaintMs: { sortMedian: round(median(sortTimes)), filterMedian: round(median(filterTimes)), sort: sortTimes.map(round), filter: filterTimes.map(round) },
      remoteEditWhileSortedMs: { inPageMedian: round(median(sortedEdits)), inPage: sortedEdits.map(round) },
    };
  } finally {
    client?.provider.destroy();
    client?.doc.destroy();
    await browser?.close();
    await app.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchGrid()
    .then((result) => {
      console.log(JSON.stringify(result, null, 2));
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
