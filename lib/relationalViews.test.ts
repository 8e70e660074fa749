// The view SQL with hostile names on a real DuckDB: quotes, control characters and a NUL byte in column
// names never break a sheet's table or views (a NUL cannot be written into SQL text at all).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { createSheetTableSql, physicalColumn as physical, sheetViewSql, workspaceViewSql, type StoredColumn } from './relationalViews';

test('column names with quotes, control characters or NUL make valid tables and views', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const columns: StoredColumn[] = [
      { id: 'a1', name: 'sku', type: 'text', deleted: false },
      { id: 'b2', name: 'a\u0000b', type: 'text', deleted: false },
      { id: 'c3', name: 'a\uFFFDb', type: 'number', deleted: false },
      { id: 'd4', name: 'tab\there "quoted"\n\u0001', type: 'date', deleted: false },
    ];
    await connection.run(createSheetTableSql('s1', columns));
    await connection.run(sheetViewSql('s1', columns));
    await connection.run(workspaceViewSql('products', [{ id: 's1', template: 'products', columns }]));
    await connection.run(`INSERT INTO "sd_s1" (row_id, ord, deleted, ${physical('a1')}, ${physical('b2')}) VALUES ('r1', 'a', false, 'SKU-1', $v)`, { v: 'x\u0000y' });
    const view = await connection.runAndReadAll('SELECT * FROM "sheet_s1"');
    assert.deepEqual(view.columnNames(), ['row_id', 'sku', 'ab', 'a\uFFFDb', 'tabhere "quoted"'], 'control characters leave view names');
    assert.equal(view.getRows()[0][2], 'x\u0000y', 'values keep their NUL: they are bound, not written into SQL');
    assert.equal((await connection.runAndReadAll('SELECT sku FROM products')).getRows()[0][0], 'SKU-1');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});
