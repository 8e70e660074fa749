// The chart of each insight, as an Observable Plot specification (pure), and its rendering to static SVG
// markup on the server with linkedom's DOM (no browser needed; text is escaped by the serializer).
//
// Marks per insight: low stock and the family summary are bullet bars (current against target), the roll-up
// and the product ranking are horizontal bars, the trend is lines, the pivot stacked monthly columns.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { InsightResult, InsightRow } from './insightViews';

const ACCENT = '#7a2e3b';
const TARGET = '#e4ddd0';
const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/** Bar charts show at most this many bars (the most relevant ones); the table has everything. */
export const MAX_BARS = 25;

export interface ChartSpec {
  options: Plot.PlotOptions;
  caption: string;
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Labels made unique (two sheets may hold the same sku), so each row keeps its own bar. */
function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} (${n})`;
  });
}

const labelWidth = (labels: readonly string[]) => Math.min(240, Math.max(60, 12 + 6.5 * Math.max(0, ...labels.map((l) => l.length))));
const barHeight = (count: number) => Math.max(120, 22 * count + (count > 12 ? 80 : 50));
/** Long bar lists get the value axis at the top as well, so it is in view. */
const valueAxis = (count: number) => (count > 12 ? ('both' as const) : ('bottom' as const));
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
/** Axis ticks: 0, 500, 1.5K, 20K, 1.2M. */
const compact = (value: number) => compactFormat.format(value);
const money = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 0 });

export function insightChartSpec(name: string, result: InsightResult, width = 1100): ChartSpec | null {
  const rows = result.rows;
  if (rows.length === 0) return null;
  const base = { width, style: { fontSize: '12px', fontFamily: FONT, background: 'transparent', overflow: 'visible' } };
  switch (name) {
    case 'low-stock': {
      const shown = rows.slice(0, MAX_BARS);
      const labels = uniqueLabels(shown.map((r) => String(r.sku ?? '(no sku)')));
      const data = shown.map((r, i) => ({ label: labels[i], stock: num(r.stock), reorder: num(r.reorder_level), name: String(r.name ?? '') }));
      return {
        caption: `Stock (dark) against reorder level (light) for the ${shown.length === rows.length ? '' : `${shown.length} `}most urgent product${shown.length === 1 ? '' : 's'}.`,
        options: {
          ...base,
          height: barHeight(data.length),
          marginLeft: labelWidth(labels),
          x: { label: 'units →', grid: true, nice: true, axis: valueAxis(data.length) },
          y: { label: null, domain: labels },
          marks: [
            Plot.barX(data, { x: 'reorder', y: 'label', fill: TARGET, title: (d) => `${d.label} ${d.name}\nreorder level ${d.reorder}` }),
            Plot.barX(data, { x: 'stock', y: 'label', fill: ACCENT, insetTop: 5, insetBottom: 5, title: (d) => `${d.label} ${d.name}\nstock ${d.stock}` }),
            Plot.ruleX([0]),
          ],
        },
      };
    }
    case 'category-rollup': {
      const brands = rows.filter((r) => r.level === 'brand');
      const categories = rows.filter((r) => r.level === 'category').map((r) => String(r.category ?? '(none)'));
      const data = brands.map((r) => ({ category: String(r.category ?? '(none)'), brand: String(r.brand ?? '(none)'), value: num(r.sales_value) }));
      if (data.length === 0) return null;
      return {
        caption: 'Sales value by category, split by brand.',
        options: {
          ...base,
          height: barHeight(categories.length) + 30,
          marginLeft: labelWidth(categories),
          x: { label: 'sales value →', grid: true, nice: true, tickFormat: compact },
          y: { label: null, domain: categories },
          color: { legend: true },
          marks: [
            Plot.barX(data, Plot.stackX({ x: 'value', y: 'category', fill: 'brand', title: (d) => `${d.category} · ${d.brand}\n${money(d.value)}` })),
            Plot.ruleX([0]),
          ],
        },
      };
    }
    case 'sales-trend': {
      const data = rows.map((r) => ({ day: new Date(`${r.day}T00:00:00Z`), category: String(r.category ?? '(none)'), avg: num(r.moving_avg_7d) }));
      return {
        caption: 'Sales value per day, 7-day moving average, by category.',
        options: {
          ...base,
          height: 360,
          marginLeft: 60,
          x: { label: null, type: 'utc' },
          y: { label: '↑ sales value per day (7-day average)', grid: true, nice: true, tickFormat: compact },
          color: { legend: true },
          marks: [
            Plot.ruleY([0]),
            Plot.lineY(data, { x: 'day', y: 'avg', stroke: 'category', strokeWidth: 1.75, curve: 'monotone-x', title: (d) => `${d.category}\n${money(d.avg)}` }),
          ],
        },
      };
    }
    case 'sales-pivot': {
      const categories = result.columns.filter((c) => c.name !== 'month').map((c) => c.name);
      const data = rows.flatMap((r: InsightRow) => categories.map((category) => ({ month: String(r.month), category, value: num(r[category]) })));
      if (categories.length === 0) return null;
      return {
        caption: 'Sales value per month, stacked by category.',
        options: {
          ...base,
          height: 360,
          marginLeft: 60,
          x: { label: null, domain: rows.map((r) => String(r.month)), padding: 0.2 },
          y: { label: '↑ sales value', grid: true, nice: true, tickFormat: compact },
          color: { legend: true, domain: categories },
          marks: [
            Plot.barY(data, Plot.stackY({ x: 'month', y: 'value', fill: 'category', title: (d) => `${d.month} · ${d.category}\n${money(d.value)}` })),
            Plot.ruleY([0]),
          ],
        },
      };
    }
    case 'product-sales': {
      const shown = [...rows].sort((a, b) => num(b.sales_value) - num(a.sales_value)).slice(0, MAX_BARS);
      const labels = uniqueLabels(shown.map((r) => String(r.name ?? r.sku ?? '(no sku)')));
      const data = shown.map((r, i) => ({ label: labels[i], category: String(r.category ?? '(none)'), value: num(r.sales_value), units: num(r.units) }));
      return {
        caption: `The ${shown.length} best-selling product${shown.length === 1 ? '' : 's'} by sales value.`,
        options: {
          ...base,
          height: barHeight(data.length) + 30,
          marginLeft: labelWidth(labels),
          x: { label: 'sales value →', grid: true, nice: true, tickFormat: compact, axis: valueAxis(data.length) },
          y: { label: null, domain: labels },
          color: { legend: true },
          marks: [
            Plot.barX(data, { x: 'value', y: 'label', fill: 'category', title: (d) => `${d.label}\n${money(d.value)} · ${d.units} units` }),
            Plot.ruleX([0]),
          ],
        },
      };
    }
    case 'family-summary': {
      const families = rows.filter((r) => r.level === 'family');
      const labels = uniqueLabels(families.map((r) => `${r.brand ?? '(none)'} · ${r.family ?? '(none)'}`));
      const data = families.map((r, i) => ({ label: labels[i], sold: num(r.sales_units), plan: num(r.plan_units) }));
      if (data.length === 0) return null;
      return {
        caption: 'Units sold (dark) against plan units (light), by brand and family.',
        options: {
          ...base,
          height: barHeight(data.length),
          marginLeft: labelWidth(labels),
          x: { label: 'units →', grid: true, nice: true, tickFormat: compact, axis: valueAxis(data.length) },
          y: { label: null, domain: labels },
          marks: [
            Plot.barX(data, { x: 'plan', y: 'label', fill: TARGET, title: (d) => `${d.label}\nplan ${d.plan}` }),
            Plot.barX(data, { x: 'sold', y: 'label', fill: ACCENT, insetTop: 5, insetBottom: 5, title: (d) => `${d.label}\nsold ${d.sold}` }),
            Plot.ruleX([0]),
          ],
        },
      };
    }
    default:
      return null;
  }
}

/** The chart as SVG (or a figure with a legend) markup, or null when there is nothing to chart. */
export function renderInsightChart(name: string, result: InsightResult, width?: number): { html: string; caption: string } | null {
  const spec = insightChartSpec(name, result, width);
  if (!spec) return null;
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const element = Plot.plot({ ...spec.options, document: document as unknown as Document });
  return { html: (element as unknown as { outerHTML: string }).outerHTML, caption: spec.caption };
}
