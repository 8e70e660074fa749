// First start: a products sheet (~200 products) and a sales sheet (~5,000 sales over 180 days).
import { generateProducts, generateSales, todayIso } from '../lib/demoWorkbook';
import { HybridLogicalClock } from '../lib/hlc';
import { newId } from '../lib/ids';
import { insertRows, readColumns } from '../lib/sheetDoc';
import { SERVER_ORIGIN } from './room';
import type { RoomManager } from './roomManager';

export async function seedDemoWorkbook(rooms: RoomManager, sizes = { products: 200, sales: 5000 }) {
  const products = generateProducts(sizes.products);
  const sales = generateSales(products, sizes.sales, todayIso());
  const editor = { clock: new HybridLogicalClock(), userId: 'seed', origin: SERVER_ORIGIN };
  const productsId = newId(10);
  const salesId = newId(10);
  await rooms.create(productsId, { title: 'Products', template: 'products', createdAt: Date.now() });
  await rooms.create(salesId, { title: 'Sales', template: 'sales', createdAt: Date.now() + 1 });
  for (const [sheetId, records] of [
    [productsId, products],
    [salesId, sales],
  ] as const) {
    await rooms.withRoom(sheetId, (room) => {
      const byName = new Map(readColumns(room.doc).map((c) => [c.name, c.id]));
      const rows = records.map((record) => Object.fromEntries(Object.entries(record).map(([name, value]) => [byName.get(name)!, value])));
      insertRows(room.doc, rows, {}, editor);
    });
  }
  return { productsId, salesId, products: products.length, sales: sales.length };
}
