'use client';
// The open sheet's own menu: rename it (for everyone: the title lives in the document) or move it to the
// trash (restorable for 30 days from the sheet list).
import { useState } from 'react';
import { deleteSheet, renameSheet } from './sheetActions';

export default function SheetMenu({ sheetId, title, notify }: { sheetId: string; title: string; notify: (text: string, kind?: 'error' | 'info') => void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <span className="sheet-menu">
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} title="Rename or delete this sheet">
        Sheet ▾
      </button>
      {open && (
        <div className="sheet-menu-popup" role="menu" aria-label="Sheet">
          {draft === null ? (
            <>
              <button type="button" role="menuitem" onClick={() => setDraft(title)}>
                Rename sheet…
              </button>
              <button
                type="button"
                role="menuitem"
                className="danger"
                onClick={async () => {
                  if (!window.confirm(`Move “${title}” to the trash? It can be restored for 30 days from the sheet list.`)) return;
                  const message = await deleteSheet(sheetId);
                  if (message) notify(`Not deleted: ${message}`, 'error');
                  else window.location.href = '/';
                }}
              >
                Delete sheet
              </button>
            </>
          ) : (
            <form
              className="inline-form"
              onSubmit={async (e) => {
                e.preventDefault();
                const message = await renameSheet(sheetId, draft);
                if (message) return notify(`Not renamed: ${message}`, 'error');
                setDraft(null);
                setOpen(false);
              }}
            >
              <input autoFocus value={draft} maxLength={200} onChange={(e) => setDraft(e.target.value)} aria-label="Sheet title" />
              <button type="submit">Rename</button>
              <button type="button" onClick={() => (setDraft(null), setOpen(false))}>
                Cancel
              </button>
            </form>
          )}
        </div>
      )}
    </span>
  );
}
