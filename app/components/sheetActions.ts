'use client';
// Browser calls for a sheet's lifecycle: rename, delete (to the trash, restorable for 30 days), restore.
// Each resolves to an error message, or null when it worked.

async function call(url: string, init: RequestInit): Promise<string | null> {
  try {
    const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
    if (response.ok) return null;
    const body = await response.json().catch(() => null);
    return body?.error?.message ?? `the server answered ${response.status}`;
  } catch {
    return 'the server cannot be reached (offline?)';
  }
}

export const renameSheet = (id: string, title: string) => call(`/api/sheets/${encodeURIComponent(id)}`, { method: 'PATCH', body: JSON.stringify({ title }) });
export const deleteSheet = (id: string) => call(`/api/sheets/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const restoreSheet = (id: string) => call(`/api/sheets/${encodeURIComponent(id)}/restore`, { method: 'POST', body: '{}' });
