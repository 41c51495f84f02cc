// The parser's flat table: what validation reads must agree with the object tree everything else
// walks, including the values that are not simply their text.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { MessageValue, Value } from '../../../server/src/text/ast';
import { scalarAt } from '../../../server/src/text/materialize';
import { parse } from '../../../server/src/text/parser';
import { type SyntaxTable, ValueKind } from '../../../server/src/text/syntax-table';
import { CORPUS_PROTOTXT } from '../shared-paths';

/** Walks the table and the tree side by side; every field and value must match. */
function assertAgree(t: SyntaxTable, node: number, message: MessageValue): void {
  const fields = message.fields;
  let i = 0;
  for (let c = node + 1; c < t.after(node); c = t.after(c)) {
    if (t.isDetached(c)) continue;
    const f = fields[i++];
    assert.ok(f, `table has more fields than the tree at ${t.start(c)}`);
    assert.ok(t.isField(c));
    assert.equal(t.name(c), f.name);
    assert.deepEqual({ start: t.start(c), end: t.nameEnd(c) }, f.nameSpan);
    assert.deepEqual({ start: t.start(c), end: t.end(c) }, f.span);
    assert.equal(t.hasColon(c), f.hasColon);
    if (!f.value) assert.equal(t.valueKind(c), ValueKind.None);
    else assertValue(t, c, f.value);
  }
  assert.equal(i, fields.length, 'as many fields in the table as in the tree');
}

function assertValue(t: SyntaxTable, node: number, v: Value): void {
  assert.deepEqual({ start: t.valueStart(node), end: t.end(node) }, v.span);
  if (v.kind === 'message') {
    assert.equal(t.valueKind(node), ValueKind.Message);
    assert.equal(t.isClosed(node), v.closed);
    assertAgree(t, node, v);
  } else if (v.kind === 'list') {
    assert.equal(t.valueKind(node), ValueKind.List);
    let i = 0;
    for (let item = node + 1; item < t.after(node); item = t.after(item)) {
      assert.equal(t.isField(item), false);
      assertValue(t, item, v.items[i++]);
    }
    assert.equal(i, v.items.length);
  } else {
    assert.deepEqual(scalarAt(t, node), v);
  }
}

describe('syntax table', () => {
  it('agrees with the object tree on every corpus file', () => {
    const files = fs.readdirSync(CORPUS_PROTOTXT).filter((f) => f.endsWith('.prototxt'));
    assert.ok(files.length >= 30);
    for (const file of files) {
      const doc = parse(fs.readFileSync(path.join(CORPUS_PROTOTXT, file), 'utf8'));
      assertAgree(doc.table, 0, doc.root);
    }
  });

  it('keeps values that are not their text: escapes, joined strings, spaced minus, inf and nan', () => {
    const text = 'a: "x\\ty" b: "p" \'q\' c: - 5 d: -inf e: nan f: 0x1F g: 010 h: 2.5f i: "unterminated\nj: [1, - 2.5, "s" "t"]';
    const doc = parse(text);
    const t = doc.table;
    const byName = new Map<string, number>();
    for (let c = 1; c < t.size; c = t.after(c)) byName.set(t.name(c), c);
    assert.equal(t.stringValue(byName.get('a')!), 'x\ty');
    assert.equal(t.stringValue(byName.get('b')!), 'pq');
    assert.equal(t.numberValue(byName.get('c')!), -5);
    assert.equal(t.raw(byName.get('c')!), '-5');
    assert.equal(t.numberValue(byName.get('d')!), -Infinity);
    assert.ok(Number.isNaN(t.numberValue(byName.get('e')!)));
    assert.equal(t.numberValue(byName.get('f')!), 31);
    assert.equal(t.numberBase(byName.get('f')!), 16);
    assert.equal(t.numberValue(byName.get('g')!), 8);
    assert.equal(t.numberValue(byName.get('h')!), 2.5);
    assert.equal(t.isFloat(byName.get('h')!), true);
    assert.equal(t.stringValue(byName.get('i')!), 'unterminated');
    assertAgree(t, 0, doc.root);
    const list = doc.root.fields.find((f) => f.name === 'j')!.value;
    assert.deepEqual(list?.kind === 'list' && list.items.map((item) => item.kind !== 'message' && item.kind !== 'list' && item.value), [
      1,
      -2.5,
      'st',
    ]);
  });

  it('leaves nameless blocks out of the tree but keeps what follows them', () => {
    const doc = parse('a: 1 { b: 2 } c: 3');
    assert.ok(doc.errors.length > 0);
    assert.deepEqual(
      doc.root.fields.map((f) => f.name),
      ['a', 'c'],
    );
    assertAgree(doc.table, 0, doc.root);
  });

  it('records comments and builds them only when asked', () => {
    const doc = parse('# one\na: 1 # two\n');
    assert.equal(doc.table.commentsCount, 2);
    assert.deepEqual(
      doc.comments.map((c) => [c.text, c.span.start, c.span.end]),
      [
        [' one', 0, 5],
        [' two', 11, 16],
      ],
    );
  });

  it('grows past its first reservation on dense text (a node per two characters)', () => {
    const n = 100_000;
    const doc = parse(`d: [${Array.from({ length: n }, (_, i) => i % 10).join(',')}] e: 1`);
    assert.deepEqual(doc.errors, []);
    assert.equal(doc.table.size, n + 3, 'root, the list field, its items and e');
    const list = doc.root.fields[0].value;
    assert.equal(list?.kind === 'list' && list.items.length, n);
    assert.equal(doc.root.fields[1].name, 'e');
    assertAgree(doc.table, 0, doc.root);
  });

  it('keeps names right past a million distinct field names', function () {
    this.timeout(60_000);
    const n = (1 << 20) + 5;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`f${i}: 1`);
    const doc = parse(parts.join('\n'));
    const t = doc.table;
    assert.equal(doc.errors.length, 0);
    let i = 0;
    for (let c = 1; c < t.size; c = t.after(c), i++) if (i >= n - 8) assert.equal(t.name(c), `f${i}`);
    assert.equal(i, n);
  });
});
