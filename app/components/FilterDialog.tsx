'use client';
// Filter one column of this page's view: by a list of its values, or by a condition (text contains, a
// number range, a date range, is empty, is not empty). Apply replaces the column's filter; Clear removes it.
import { useMemo, useState } from 'react';
import type { SheetConnection } from '@/lib/client/sheetConnection';
import { distinctValues, type Filter } from '@/lib/client/sheetView';
import type { ColumnInfo } from '@/lib/sheetDoc';

type Mode = 'values' | 'contains' | 'between' | 'dates' | 'empty' | 'notEmpty';

export interface FilterDialogProps {
  conn: SheetConnection;
  column: ColumnInfo;
  current: Filter | undefined;
  onApply: (filter: Filter | null) => void;
  onClose: () => void;
}

export default function FilterDialog({ conn, column, current, onApply, onClose }: FilterDialogProps) {
  const values = useMemo(() => distinctValues(conn.model.docRowIds, conn.model, column.id), [conn, column.id]);
  const conditionModes: Mode[] = column.type === 'number' ? ['between', 'empty', 'notEmpty'] : column.type === 'date' ? ['dates', 'empty', 'notEmpty'] : ['contains', 'empty', 'notEmpty'];
  const [mode, setMode] = useState<Mode>(current?.op ?? 'values');
  const [checked, setChecked] = useState<Set<string>>(() => new Set(current?.op === 'values' ? current.values : values.map((v) => v.text)));
  const [text, setText] = useState(current?.op === 'contains' ? current.text : '');
  const [min, setMin] = useState(current?.op === 'between' && current.min !== undefined ? String(current.min) : '');
  const [max, setMax] = useState(current?.op === 'between' && current.max !== undefined ? String(current.max) : '');
  const [from, setFrom] = useState(current?.op === 'dates' ? (current.from ?? '') : '');
  const [to, setTo] = useState(current?.op === 'dates' ? (current.to ?? '') : '');
  const [error, setError] = useState<string | null>(null);

  const build = (): Filter | null | string => {
    const col = column.id;
    switch (mode) {
      case 'values':
        return checked.size === values.length ? null : { col, op: 'values', values: [...checked] };
      case 'contains':
        return text.trim() ? { col, op: 'contains', text: text.trim() } : 'Type the text to look for';
      case 'between': {
        const lo = min.trim() === '' ? undefined : Number(min);
        const hi = max.trim() === '' ? undefined : Number(max);
        if ((lo !== undefined && !Number.isFinite(lo)) || (hi !== undefined && !Number.isFinite(hi))) return 'The bounds must be numbers';
        if (lo === undefined && hi === undefined) return 'Give a lower or an upper bound';
        if (lo !== undefined && hi !== undefined && lo > hi) return 'The lower bound is above the upper one';
        return { col, op: 'between', ...(lo !== undefined && { min: lo }), ...(hi !== undefined && { max: hi }) };
      }
      case 'dates':
        if (!from && !to) return 'Give a first or a last date';
        if (from && to && from > to) return 'The first date is after the last one';
        return { col, op: 'dates', ...(from && { from }), ...(to && { to }) };
      case 'empty':
        return { col, op: 'empty' };
      case 'notEmpty':
        return { col, op: 'notEmpty' };
    }
  };

  const label = (m: Mode) =>
    ({ values: 'By values', contains: 'Text contains', between: 'Number between', dates: 'Date between', empty: 'Is empty', notEmpty: 'Is not empty' })[m];

  return (
    <div className="filter-dialog" role="dialog" aria-label={`Filter ${column.name}`} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const filter = build();
          if (typeof filter === 'string') return setError(filter);
          onApply(filter);
        }}
      >
        <h3>Filter “{column.name}”</h3>
        <label>
          Show rows{' '}
          <select value={mode} onChange={(e) => (setMode(e.target.value as Mode), setError(null))} aria-label="Filter by">
            {(['values', ...conditionModes] as Mode[]).map((m) => (
              <option key={m} value={m}>
                {label(m)}
              </option>
            ))}
          </select>
        </label>
        {mode === 'values' && (
          <fieldset className="filter-values">
            <legend>
              <button type="button" onClick={() => setChecked(new Set(values.map((v) => v.text)))}>
                All
              </button>{' '}
              <button type="button" onClick={() => setChecked(new Set())}>
                None
              </button>
            </legend>
            {values.map((v) => (
              <label key={v.text}>
                <input
                  type="checkbox"
                  checked={checked.has(v.text)}
                  onChange={(e) => {
                    const next = new Set(checked);
                    if (e.target.checked) next.add(v.text);
                    else next.delete(v.text);
                    setChecked(next);
                  }}
                />
                {v.text === '' ? <em>(empty)</em> : v.text} <span className="muted">{v.count}</span>
              </label>
            ))}
          </fieldset>
        )}
        {mode === 'contains' && <input autoFocus value={text} onChange={(e) => setText(e.target.value)} aria-label="Text" placeholder="text" />}
        {mode === 'between' && (
          <div className="filter-range">
            <input inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} aria-label="At least" placeholder="min" />
            –
            <input inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} aria-label="At most" placeholder="max" />
          </div>
        )}
        {mode === 'dates' && (
          <div className="filter-range">
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="From" />
            –
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-label="To" />
          </div>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row-buttons">
          <button type="submit" className="primary">
            Apply
          </button>
          <button type="button" onClick={() => onApply(null)} disabled={!current}>
            Clear filter
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
