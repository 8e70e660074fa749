'use client';
// Row actions of the sheet list: rename in place, delete (to the trash), and restore from the trash.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { deleteSheet, renameSheet, restoreSheet } from './sheetActions';

export function SheetRowActions({ id, title }: { id: string; title: string }) {
  const router = useRouter();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const done = (message: string | null) => (message ? setError(message) : (setError(null), setRenaming(null), router.refresh()));
  if (renaming !== null)
    return (
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          done(await renameSheet(id, renaming));
        }}
      >
        <input autoFocus value={renaming} onChange={(e) => setRenaming(e.target.value)} aria-label={`New title for ${title}`} maxLength={200} />
        <button type="submit">Save</button>
        <button type="button" onClick={() => setRenaming(null)}>
          Cancel
        </button>
        {error && <span className="error" role="alert">{error}</span>}
      </form>
    );
  return (
    <span className="row-actions">
      <button type="button" onClick={() => setRenaming(title)} aria-label={`Rename ${title}`}>
        Rename
      </button>
      <button
        type="button"
        className="danger"
        aria-label={`Delete ${title}`}
        onClick={async () => {
          if (!window.confirm(`Move “${title}” to the trash? It can be restored for 30 days.`)) return;
          done(await deleteSheet(id));
        }}
      >
        Delete
      </button>
      {error && <span className="error" role="alert">{error}</span>}
    </span>
  );
}

export function RestoreButton({ id, title }: { id: string; title: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        aria-label={`Restore ${title}`}
        onClick={async () => {
          const message = await restoreSheet(id);
          if (message) setError(message);
          else router.refresh();
        }}
      >
        Restore
      </button>
      {error && <span className="error" role="alert">{error}</span>}
    </>
  );
}
