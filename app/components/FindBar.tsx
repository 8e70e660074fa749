'use client';
// Find (toolbar button and Ctrl/⌘+F in the grid): searches every row and column of the page's view, not
// only the rows on screen; Enter / Shift+Enter (or the arrows) step through the matches, each jump
// scrolls the grid there and selects the cell. Escape closes and returns to the grid.
import { useEffect, useMemo, useRef, useState } from 'react';
import { findMatches, firstMatchFrom, MAX_MATCHES, type FindMatch } from '@/lib/client/find';
import type { SheetConnection } from '@/lib/client/sheetConnection';

export interface FindBarProps {
  conn: SheetConnection;
  from: FindMatch | null;
  goTo: (row: number, col: number) => void;
  onClose: () => void;
}

export default function FindBar({ conn, from, goTo, onClose }: FindBarProps) {
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [index, setIndex] = useState(-1);
  const inputRef = useRef<HTMLInputElement>(null);
  const fromRef = useRef(from);
  fromRef.current = from;

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query), 120);
    return () => clearTimeout(timer);
  }, [query]);

  // The document or the view changed: count again, at most a few times a second.
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = conn.model.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = null;
        setVersion((v) => v + 1);
      }, 300);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [conn]);

  // `version` is a dependency on purpose: the document changed, so count again.
  const matches = useMemo(() => findMatches(conn.model, debounced), [conn, debounced, version]);

  // A new query jumps to the first match at or after the active cell.
  useEffect(() => {
    const first = firstMatchFrom(matches, fromRef.current);
    setIndex(first);
    if (first >= 0) goTo(matches[first].row, matches[first].col);
    // Only when the query changes, not on every recount.
  }, [debounced]);

  const step = (delta: 1 | -1) => {
    if (matches.length === 0) return;
    const next = (((index < 0 ? 0 : index + delta) % matches.length) + matches.length) % matches.length;
    setIndex(next);
    goTo(matches[next].row, matches[next].col);
  };

  const count =
    debounced.trim() === ''
      ? ''
      : matches.length === 0
        ? 'No matches'
        : `${index >= 0 ? (index + 1).toLocaleString() : '–'} of ${matches.length.toLocaleString()}${matches.length >= MAX_MATCHES ? '+' : ''}`;

  return (
    <div
      className="find-bar"
      role="search"
      aria-label="Find in sheet"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <input
        ref={inputRef}
        type="search"
        value={query}
        placeholder="Find in every row"
        aria-label="Find in sheet"
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            if (query !== debounced) setDebounced(query);
            else step(e.shiftKey ? -1 : 1);
          }
        }}
      />
      <span className="find-count" data-testid="find-count" aria-live="polite">
        {count}
      </span>
      <button type="button" onClick={() => step(-1)} disabled={matches.length === 0} aria-label="Previous match" title="Previous match (Shift+Enter)">
        ↑
      </button>
      <button type="button" onClick={() => step(1)} disabled={matches.length === 0} aria-label="Next match" title="Next match (Enter)">
        ↓
      </button>
      <button type="button" onClick={onClose} aria-label="Close find">
        ✕
      </button>
    </div>
  );
}
