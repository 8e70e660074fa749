import assert from 'node:assert/strict';
import { test } from 'node:test';
import { insightChartSpec, renderInsightChart } from './insightCharts';
import { insightKpis, type InsightResult } from './insightViews';

const results: Record<string, InsightResult> = {
  'low-stock': {
    asOf: '2026-03-01',
    columns: [],
    rows: [
      { sku: 'A<script>', name: 'x', category: 'Wine', stock: 0, reorder_level: 5, units_30d: 3, days_of_cover: 0 },
      { sku: 'A<script>', name: 'y', category: 'Wine', stock: 2, reorder_level: 5, units_30d: 0, days_of_cover: null },
    ],
  },
  'category-rollup': {
    asOf: '2026-03-01',
    columns: [],
    rows: [
      { level: 'family', category: 'Wine', brand: 'B', family: 'F', stock_units: 1, stock_value: 2, sales_units: 3, sales_value: 4 },
      { level: 'brand', category: 'Wine', brand: 'B', family: null, stock_units: 1, stock_value: 2, sales_units: 3, sales_value: 4 },
      { level: 'category', category: 'Wine', brand: null, family: null, stock_units: 1, stock_value: 2, sales_units: 3, sales_value: 4 },
      { level: 'total', category: null, brand: null, family: null, stock_units: 1, stock_value: 2, sales_units: 3, sales_value: 4 },
    ],
  },
  'sales-trend': {
    asOf: '2026-03-01',
    columns: [],
    rows: [
      { day: '2026-01-01', category: 'Wine', sales_value: 10, running_total: 10, moving_avg_7d: 10 / 7 },
      { day: '2026-01-02', category: 'Wine', sales_value: 20, running_total: 30, moving_avg_7d: 30 / 7 },
      { day: '2026-01-02', category: 'Beer', sales_value: 5, running_total: 5, moving_avg_7d: 5 / 7 },
    ],
  },
  'sales-pivot': {
    asOf: '2026-03-01',
    columns: [{ name: 'month', type: 'text' }, { name: 'Beer', type: 'number' }, { name: 'month (category)', type: 'number' }],
    rows: [{ month: '2026-01', Beer: 3, 'month (category)': 4 }, { month: '2026-02', Beer: 1, 'month (category)': 0 }],
  },
  'product-sales': {
    asOf: '2026-03-01',
    columns: [],
    rows: [{ sku: 'A', name: null, category: '(unknown)', units: 2, sales_value: 9, first_sale: '2026-01-01', last_sale: '2026-01-02', selling_days: 2, rank_in_category: 1 }],
  },
  'family-summary': {
    asOf: '2026-03-01',
    columns: [],
    rows: [
      { level: 'family', brand: 'B', family: 'F', sales_units: 5, sales_value: 50, plan_units: 20 },
      { level: 'brand', brand: 'B', family: null, sales_units: 5, sales_value: 50, plan_units: 20 },
      { level: 'total', brand: null, family: null, sales_units: 5, sales_value: 50, plan_units: 20 },
    ],
  },
};

test('every insight renders a chart to SVG on the server, with data text escaped', () => {
  for (const [name, result] of Object.entries(results)) {
    const chart = renderInsightChart(name, result);
    assert.ok(chart, name);
    assert.match(chart.html, /<svg[^>]*viewBox/, name);
    assert.doesNotMatch(chart.html, /<script/i, name);
  }
  assert.match(renderInsightChart('low-stock', results['low-stock'])!.html, /A&lt;script&gt; \(2\)/, 'duplicate labels keep their own bars');
});

test('no rows, no chart', () => {
  for (const name of Object.keys(results)) assert.equal(insightChartSpec(name, { asOf: '2026-03-01', columns: [], rows: [] }), null);
});

test('KPIs: the headline comes first; values come from the summary', () => {
  const low = insightKpis('low-stock', { asOf: '2026-03-01', total: 2, kpis: { to_reorder: 2, out_of_stock: 1, under_week: 1, units_30d: 3 } });
  assert.deepEqual(low.map((k) => k.value), [2, 1, 1, 3]);
  assert.equal(low[3].detail, 'to 2026-03-01');
  assert.equal(insightKpis('family-summary', { asOf: '2026-03-01', total: 3, kpis: { vs_plan: 0.25, sales_units: 5, plan_units: 20, sales_value: 50 } })[0].value, 0.25);
  assert.deepEqual(insightKpis('sales-pivot', { asOf: '2026-03-01', total: 2, kpis: { best_month_value: 7, best_month: '2026-01' } })[0], { id: 'best-month', label: 'Best month', value: 7, format: 'money', detail: '2026-01' });
  const trend = insightKpis('sales-trend', { asOf: '2026-03-01', total: 3, kpis: { per_day: 17.5, best_day: '2026-01-02', best_day_value: 25 } });
  assert.equal(trend[0].value, 17.5);
  assert.equal(trend.find((k) => k.id === 'best-day')?.detail, '2026-01-02');
  assert.equal(insightKpis('product-sales', { asOf: '2026-03-01', total: 0, kpis: {} })[3].value, null, 'a missing value shows as none');
});
