// The real language server process keeps answering while it analyses a large file (issue 13 item 9):
// a request that needs the network waits for the stepped analysis instead of running it in one go, so
// requests sent after it (the outline, a hover from the last analysed version) are answered first.
import { strict as assert } from 'assert';
import { largeNet } from '../../bench/scale-bench';
import { EARLY_PUBLISH_CHARS } from '../../../server/src/lsp/diagnostics';
import { serverBuilt, startServer, type ServerProcess } from './server-process';

describe('language server process: answers during a long analysis', function () {
  this.timeout(120_000);
  let server: ServerProcess | undefined;
  before(function () {
    if (!serverBuilt()) this.skip(); // `npm test` builds first; a lone mocha run may not have
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  const uri = 'file:///bench/large.prototxt';
  const text = largeNet(12_000);
  const order: string[] = [];
  const track = <T>(name: string, p: Promise<T>): Promise<T> =>
    p.then((value) => {
      order.push(name);
      return value;
    });

  it('answers the outline before the CodeLens that waits for the analysis of the file just opened', async () => {
    assert.ok(text.length > EARLY_PUBLISH_CHARS, `a large file: ${text.length} characters`);
    server = await startServer();
    order.length = 0;
    server.open(uri, text);
    const lenses = track(
      'codeLens',
      server.timed<Array<{ command?: { title: string } }>>('textDocument/codeLens', { textDocument: { uri } }),
    );
    const symbols = track('documentSymbol', server.timed<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } }));
    const [l, s] = await Promise.all([lenses, symbols]);
    assert.deepEqual(
      order,
      ['documentSymbol', 'codeLens'],
      `answered in this order (symbols ${s.ms.toFixed(0)} ms, lenses ${l.ms.toFixed(0)} ms)`,
    );
    assert.ok(s.result.length > 10_000, `the outline lists the layers: ${s.result.length}`);
    assert.ok(
      l.result.some((lens) => /mJ|J\b/.test(lens.command?.title ?? '')),
      `the CodeLens, once analysed, has the energy: ${l.result.map((x) => x.command?.title).join(' | ')}`,
    );
  });

  it('after an edit, a hover answers from the last analysed version before the new version is analysed', async () => {
    server = await startServer();
    server.open(uri, text);
    await server.timed('textDocument/codeLens', { textDocument: { uri } }); // version 1 analysed
    order.length = 0;
    const at = text.indexOf('num_output: 16') + 'num_output: 16'.length;
    const lines = text.slice(0, at).split('\n');
    const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
    server.change(uri, 2, [{ range: { start: position, end: position }, text: '0' }]);
    const name = 'res_block_2000_conv';
    const nameAt = text.indexOf(`name: "${name}"`) + 'name: "'.length + 2;
    const before = text.slice(0, nameAt).split('\n');
    const hoverAt = { line: before.length - 1, character: before[before.length - 1].length };
    const lenses = track('codeLens', server.timed('textDocument/codeLens', { textDocument: { uri } }));
    const hover = track(
      'hover',
      server.timed<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: hoverAt }),
    );
    const [h] = await Promise.all([hover, lenses]);
    assert.deepEqual(order, ['hover', 'codeLens']);
    assert.match(h.result?.contents.value.replace(/\\/g, '') ?? '', new RegExp(name), 'the hover is about the layer under the cursor');
  });
});
