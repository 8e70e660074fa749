import { formatValue, type Kpi } from '@/lib/insightViews';

/** The KPI tiles of an insight (server component). */
export function Kpis({ kpis }: { kpis: Kpi[] }) {
  return (
    <dl className="kpis" data-testid="insight-kpis">
      {kpis.map((kpi) => (
        <div key={kpi.id} className="kpi" data-testid={`kpi-${kpi.id}`} data-value={kpi.value ?? ''}>
          <dt>{kpi.label}</dt>
          <dd>
            <span className="kpi-value">{formatValue(kpi.value, kpi.format)}</span>
            {kpi.detail ? <span className="kpi-detail">{kpi.detail}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
