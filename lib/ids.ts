// Random ids for sheets, rows, columns and adjustments: [A-Za-z0-9], safe in URLs, rooms and SQL identifiers.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newId(length = 12): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  // 62 does not divide 256 evenly; the slight bias is irrelevant for uniqueness at these lengths.
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
