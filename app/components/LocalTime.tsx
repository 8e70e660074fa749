'use client';
// A time shown in the reader's own time zone and locale. The server (and the first render in the browser)
// writes it in UTC, saying so, so both renders agree; once mounted it shows the reader's local time.
import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

export function LocalTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const mounted = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <span>{iso}</span>;
  const options: Intl.DateTimeFormatOptions = dateOnly ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' };
  const text = mounted ? date.toLocaleString(undefined, options) : `${date.toLocaleString('en-GB', { ...options, timeZone: 'UTC' })}${dateOnly ? '' : ' UTC'}`;
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {text}
    </time>
  );
}
