// Cuts one big Yjs update (V1) into smaller updates that, applied in order, give the same document as the
// whole: each client's structs in clock order, cut into runs of at most `structsPerSlice`, with the delete
// set in a last slice of its own. The sync server applies a big update slice by slice, with the event loop
// free between slices, so a frame of the largest accepted size never stalls the other sockets.
//
// Why this is safe: a client's item refers to its own earlier items (lower clocks) or to other clients' items,
// never to a later item of its own; a slice that refers to another client's item in a later slice is kept
// pending by Yjs until that slice is applied (the whole update was checked before the first slice).
// Pure: runs in a worker thread (sync-server/updateWorkerThread.ts), where it is the decoding that costs.
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

interface Struct {
  id: Y.ID;
  length: number;
  write(encoder: Y.UpdateEncoderV1, offset: number): void;
}

interface DeleteSetLike {
  clients: Map<number, Array<{ clock: number; len: number }>>;
}

/** Contiguous structs of one client, none of them a Skip. */
interface Run {
  client: number;
  structs: Struct[];
}

export function sliceUpdate(update: Uint8Array, structsPerSlice = 2000): Uint8Array[] {
  const { structs, ds } = Y.decodeUpdate(update) as unknown as { structs: Struct[]; ds: DeleteSetLike };
  const runs: Run[] = [];
  let run: Run | null = null;
  for (const struct of structs) {
    if (struct instanceof Y.Skip) {
      run = null;
      continue;
    }
    const contiguous = run && run.client === struct.id.client && run.structs.length < structsPerSlice && lastClock(run) === struct.id.clock;
    if (!contiguous) runs.push((run = { client: struct.id.client, structs: [] }));
    run!.structs.push(struct);
  }
  // Pack runs into slices: a client at most once per slice (the format lists each client once).
  const slices: Uint8Array[] = [];
  let batch: Run[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length > 0) slices.push(encodeRuns(batch));
    batch = [];
    size = 0;
  };
  for (const r of runs) {
    if (size + r.structs.length > structsPerSlice || batch.some((b) => b.client === r.client)) flush();
    batch.push(r);
    size += r.structs.length;
  }
  flush();
  if (ds.clients.size > 0) slices.push(encodeDeleteSet(ds));
  return slices;
}

function lastClock(run: Run): number {
  const last = run.structs[run.structs.length - 1];
  return last.id.clock + last.length;
}

function encodeRuns(runs: Run[]): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, runs.length);
  // Higher client ids first, as Yjs writes them.
  for (const { client, structs } of [...runs].sort((a, b) => b.client - a.client)) {
    encoding.writeVarUint(encoder.restEncoder, structs.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, structs[0].id.clock);
    for (const struct of structs) struct.write(encoder, 0);
  }
  encoding.writeVarUint(encoder.restEncoder, 0); // no delete set
  return encoder.toUint8Array();
}

function encodeDeleteSet(ds: DeleteSetLike): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, 0); // no structs
  encoding.writeVarUint(encoder.restEncoder, ds.clients.size);
  for (const [client, items] of [...ds.clients.entries()].sort((a, b) => b[0] - a[0])) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, items.length);
    for (const item of items) {
      encoder.writeDsClock(item.clock);
      encoder.writeDsLen(item.len);
    }
  }
  return encoder.toUint8Array();
}
