// LineSplitter on its own: line ends, split UTF-8, the line cap, and a 32 MB line without a newline
// (the timing of that is in test/bench/line-splitter-bench.ts; here only the outcome is checked).
import * as assert from 'assert';
import { LineSplitter, type OverlongLine } from '../../../client/src/board/ssh/line-splitter';

function split(chunks: (string | Buffer)[], maxLineLength?: number): { lines: string[]; dropped: OverlongLine[] } {
  const lines: string[] = [];
  const dropped: OverlongLine[] = [];
  const s = new LineSplitter((l) => lines.push(l), { maxLineLength, onOverlong: (d) => dropped.push(d) });
  chunks.forEach((c) => s.push(c));
  s.end();
  return { lines, dropped };
}

describe('ssh: LineSplitter', () => {
  it('splits on \\n and \\r\\n, joins lines across chunks and flushes the tail', () => {
    assert.deepStrictEqual(split(['a\r\nb', 'c\n', '\nd']).lines, ['a', 'bc', '', 'd']);
    assert.deepStrictEqual(split(['x\n']).lines, ['x']);
  });

  it('keeps a UTF-8 sequence split between chunks', () => {
    const bytes = Buffer.from('é€\n', 'utf8');
    assert.deepStrictEqual(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]).lines, ['é€']);
  });

  it('drops a line over the cap whole, reports it once with its number, length and head, and goes on', () => {
    const long = 'L'.repeat(50);
    const { lines, dropped } = split(['ok\n', long.slice(0, 7), long.slice(7), '\nafter\n', 'exactly10!\n'], 10);
    assert.deepStrictEqual(lines, ['ok', 'after', 'exactly10!']);
    assert.deepStrictEqual(dropped, [{ line: 2, length: 50, head: long }]);
  });

  it('reports an over-long unterminated last line at the end', () => {
    const { lines, dropped } = split(['a\n', 'b'.repeat(30)], 10);
    assert.deepStrictEqual(lines, ['a']);
    assert.strictEqual(dropped.length, 1);
    assert.strictEqual(dropped[0].length, 30);
  });

  it('takes 32 MB without a newline in 64 KB chunks, drops it past the 1 Mi cap, and keeps the next line', function () {
    this.timeout(20000); // guard against a hang only: the old quadratic splitter took minutes here
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const lines: string[] = [];
    const dropped: OverlongLine[] = [];
    const s = new LineSplitter((l) => lines.push(l), { onOverlong: (d) => dropped.push(d) });
    for (let i = 0; i < 512; i++) s.push(chunk);
    s.push('\n{"event":"done"}\n');
    s.end();
    assert.deepStrictEqual(lines, ['{"event":"done"}']);
    assert.strictEqual(dropped.length, 1);
    assert.strictEqual(dropped[0].length, 32 * 1024 * 1024);
    assert.strictEqual(dropped[0].head, 'A'.repeat(80));
  });

  it('delivers a line just under the cap intact, from many chunks', () => {
    const piece = 'x'.repeat(1000);
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), { maxLineLength: 100_000 });
    for (let i = 0; i < 100; i++) s.push(piece);
    s.push('\n');
    assert.strictEqual(lines.length, 1);
    assert.strictEqual(lines[0].length, 100_000);
  });
});
