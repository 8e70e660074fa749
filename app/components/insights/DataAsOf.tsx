/** "Data as of": the time of the newest change to the products and sales data (server-rendered). */
export function DataAsOf({ changedAt, asOf }: { changedAt: Date | null; asOf?: string }) {
  const rendered = new Date();
  return (
    <span className="data-as-of muted" data-testid="insight-data-as-of" data-changed-at={changedAt?.toISOString() ?? ''}>
      Data as of{' '}
      {changedAt ? (
        <time dateTime={changedAt.toISOString()} title={`refreshed ${formatTime(rendered)}`}>
          {formatTime(changedAt)}
        </time>
      ) : (
        'no products or sales yet'
      )}
      {asOf ? (
        <>
          {' · '}as-of date <time dateTime={asOf}>{asOf}</time>
        </>
      ) : null}
    </span>
  );
}

function formatTime(date: Date): string {
  return date.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
}
