import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachmentDisposition, escapeCsvText, parseCsvTable, safeFileName, toCsv, unescapeCsvText } from './csv';

test('formula escaping is one-to-one, so every text survives a round trip', () => {
  const texts = ['=1+2', '+x', '-3', '@a', '\tx', '\rx', "'=a", "''=a", "'", "'a", 'plain', '', "a'=b", '—=x'];
  for (const text of texts) assert.equal(unescapeCsvText(escapeCsvText(text)), text, JSON.stringify(text));
  assert.equal(escapeCsvText('=1+2'), "'=1+2");
  assert.equal(escapeCsvText("'a"), "'a", 'an apostrophe before ordinary text is left alone');
  assert.equal(unescapeCsvText('=SUM(A1)'), '=SUM(A1)', 'a file from elsewhere is read as written');
});

test('toCsv quotes only where needed and parseCsvTable reads it back', () => {
  const csv = toCsv(['name', 'qty', 'ok'], [
    ['a "quoted", text', 1.5, true],
    ['two\nlines', null, false],
    ['日本酒 🍷', -2, null],
  ]);
  assert.equal(csv, 'name,qty,ok\r\n"a ""quoted"", text",1.5,TRUE\r\n"two\nlines",,FALSE\r\n日本酒 🍷,-2,\r\n');
  const table = parseCsvTable(csv);
  assert.ok(table.ok);
  assert.deepEqual(table.header, ['name', 'qty', 'ok']);
  assert.deepEqual(table.records.map((r) => r.fields), [['a "quoted", text', '1.5', 'TRUE'], ['two\nlines', '', 'FALSE'], ['日本酒 🍷', '-2', '']]);
});

test('parseCsvTable: BOM, blank lines, ragged rows, bad quotes, empty input', () => {
  const ok = parseCsvTable('\uFEFF\r\n SKU ,qty\r\n\r\nA,1\r\n,\r\nB,2');
  assert.ok(ok.ok);
  assert.deepEqual(ok.header, ['SKU', 'qty']);
  assert.deepEqual(ok.records, [{ row: 2, fields: ['A', '1'] }, { row: 4, fields: ['B', '2'] }]);
  const ragged = parseCsvTable('a,b\n1,2,3\n');
  assert.equal(ragged.ok, false);
  assert.match(!ragged.ok ? ragged.message : '', /row 1 has 3 fields but the header has 2/);
  assert.equal(parseCsvTable('a,b\n"1,2\n').ok, false);
  assert.equal(parseCsvTable('').ok, false);
  assert.equal(parseCsvTable(' , \n').ok, false);
});

test('file names are safe in a header and keep the exact name in filename*', () => {
  assert.equal(safeFileName('Stock "Q3" / Ünïcode', 'abc'), 'Stock-Q3-Unicode.csv');
  assert.equal(safeFileName('../../etc/passwd', 'abc'), 'etc-passwd.csv');
  assert.equal(safeFileName('日本酒', 'sheet_1'), 'sheet_1.csv');
  const header = attachmentDisposition('Bière "x"\r\nSet-Cookie: a', 'id1');
  assert.doesNotMatch(header, /[\r\n]/);
  assert.match(header, /^attachment; filename="[A-Za-z0-9 ._-]+"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
});
