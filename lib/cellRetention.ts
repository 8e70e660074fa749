// Client side of "no silent loss": keep the content of cell values that lost a concurrent race.
//
// Yjs garbage-collects a deleted item's content when its transaction ends, and a map value that loses
// Yjs's clientID rule is deleted. If a client's edit loses that way locally before the server has it (the
// socket dropped with the edit in flight, after the client had received the rival value), the client
// would later send it as an empty deleted item and the server could neither let it win by its later stamp
// nor record it as a conflict. Values overwritten by someone who saw them, or removed outright, are
// collected as usual, so only the rare concurrent losers stay.
import * as Y from 'yjs';
import { cellLocation } from './cellItems';

/** Installs the retention rule in `doc.gcFilter` (chained with any existing filter); returns the undo. */
export function retainConcurrentCellValues(doc: Y.Doc): () => void {
  const previous = doc.gcFilter;
  const filter = (item: Y.Item) => previous(item) && !isConcurrentCellLoser(doc, item);
  doc.gcFilter = filter;
  return () => {
    if (doc.gcFilter === filter) doc.gcFilter = previous;
  };
}

/** A deleted cell value that something to its right replaced without having seen it. */
export function isConcurrentCellLoser(doc: Y.Doc, item: Y.Item): boolean {
  if (item.parentSub === null || item.right === null || !cellLocation(doc, item)) return false;
  for (let right: Y.Item | null = item.right; right !== null; right = right.right) {
    if (right.origin !== null && Y.compareIDs(right.origin, item.lastId)) return false; // overwritten by someone who saw it
  }
  return true;
}
