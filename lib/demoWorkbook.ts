// A deterministic demo workbook (products and sales) from a seeded generator: the same seed and end date
// always give the same data. Used by the first-start seed, tests and benchmarks.

export interface DemoProduct {
  sku: string;
  name: string;
  brand: string;
  family: string;
  category: string;
  stock: number;
  reorder_level: number;
  unit_cost: number;
  price: number;
  plan_units: number;
}

export interface DemoSale {
  sold_at: string;
  sku: string;
  qty: number;
  unit_price: number;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATALOG: Record<string, Record<string, string>> = {
  // brand → family → category
  Northwind: { 'Estate Reds': 'Wine', 'Coastal Whites': 'Wine', Glassware: 'Accessories' },
  Fabrikam: { 'Single Malt': 'Spirits', 'Small Batch Gin': 'Spirits', Bitters: 'Mixers' },
  Contoso: { 'Pale Ales': 'Beer', Lagers: 'Beer', 'Tonic & Soda': 'Mixers' },
  Tailspin: { Sparkling: 'Wine', 'Cellar Tools': 'Accessories', 'Aged Rum': 'Spirits' },
};

const ADJECTIVES = ['Reserve', 'Classic', 'Select', 'Vintage', 'Heritage', 'Signature', 'Old', 'Golden', 'Wild', 'Harbour'];
const round2 = (n: number) => Math.round(n * 100) / 100;

export function generateProducts(count: number, seed = 42): DemoProduct[] {
  const random = seededRandom(seed);
  const pairs = Object.entries(CATALOG).flatMap(([brand, families]) => Object.entries(families).map(([family, category]) => ({ brand, family, category })));
  const products: DemoProduct[] = [];
  for (let i = 0; i < count; i++) {
    const { brand, family, category } = pairs[Math.floor(random() * pairs.length)];
    const unitCost = round2(2 + random() * 38);
    const reorderLevel = 5 + Math.floor(random() * 26);
    // About one product in six sits at or under its reorder level.
    const stock = random() < 0.16 ? Math.floor(random() * (reorderLevel + 1)) : reorderLevel + 1 + Math.floor(random() * 150);
    products.push({
      sku: `SKU-${String(i + 1).padStart(count >= 10_000 ? 6 : 4, '0')}`,
      name: `${brand} ${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]} ${family.replace(/s$/, '')} ${i + 1}`,
      brand,
      family,
      category,
      stock,
      reorder_level: reorderLevel,
      unit_cost: unitCost,
      price: round2(unitCost * (1.4 + random() * 0.8)),
      plan_units: 50 + Math.floor(random() * 450),
    });
  }
  return products;
}

/** Sales over the `days` days ending `endDate` (YYYY-MM-DD), popular products sold more often. */
export function generateSales(products: readonly DemoProduct[], count: number, endDate: string, days = 180, seed = 7): DemoSale[] {
  const random = seededRandom(seed);
  const end = Date.parse(`${endDate}T00:00:00Z`);
  const sales: DemoSale[] = [];
  for (let i = 0; i < count; i++) {
    // Squaring skews picks toward the front of the list: a few best sellers, a long tail.
    const product = products[Math.floor(random() * random() * products.length)];
    const day = new Date(end - Math.floor(random() * days) * 86_400_000).toISOString().slice(0, 10);
    const discount = random() < 0.2 ? 0.9 : 1;
    sales.push({ sold_at: day, sku: product.sku, qty: 1 + Math.floor(random() * 6), unit_price: round2(product.price * discount) });
  }
  return sales.sort((a, b) => (a.sold_at < b.sold_at ? -1 : a.sold_at > b.sold_at ? 1 : 0));
}

export function todayIso(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
