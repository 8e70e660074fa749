'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

export function CreateSheetForm() {
  const router = useRouter();
  const [title, setTitle] = useState('');
  const [template, setTemplate] = useState('products');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/api/sheets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title, template }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? `error ${response.status}`);
      router.push(`/sheets/${body.id}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline" onSubmit={submit}>
      <input aria-label="Title" placeholder="Title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
      <select aria-label="Template" value={template} onChange={(e) => setTemplate(e.target.value)}>
        <option value="products">Products</option>
        <option value="sales">Sales</option>
        <option value="blank">Blank</option>
      </select>
      <button className="primary" type="submit" disabled={busy}>
        Create
      </button>
      {error ? <span className="error">{error}</span> : null}
    </form>
  );
}
