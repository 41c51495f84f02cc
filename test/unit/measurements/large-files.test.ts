// Large and damaged campaign files: read as a stream (the same result as parsing the text whole, with
// lines crossing the 1 MiB read chunks), repeated problems summarised, over-long lines skipped. The
// 200 MB case with time and memory figures is in test/bench/records-bench.ts.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_RECORD_LINE_BYTES } from '../../../server/src/measurements/read';
import { parseCampaignText, readCampaignFile, readCampaignFileAsync } from '../../../server/src/measurements';
import { end, header, jsonl, layer, session, tempFolder } from './helpers';

describe('measurements: large and damaged campaign files', () => {
  let dir: string;
  before(() => (dir = tempFolder()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string | Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('a 6 MB file read in chunks gives exactly what parsing its whole text gives (names with multi-byte characters)', () => {
    const names = Array.from({ length: 20000 }, (_, i) => `conv_é€_${i}`);
    const text = jsonl(header(), session(1, names), ...names.map((n, i) => layer(n, 1 + (i % 7))), end('complete', 1, names.length));
    assert.ok(text.length > 5_000_000);
    const file = write('big.jsonl', text);
    const streamed = readCampaignFile(file);
    assert.deepEqual(streamed, parseCampaignText(text, file));
    assert.equal(streamed.layers.length, 20000);
    assert.equal(streamed.status, 'complete');
    assert.equal(streamed.validBytes, Buffer.byteLength(text));
  });

  it('a record line longer than a read chunk (a 3 MB session plan) is read whole', () => {
    const names = Array.from({ length: 150000 }, (_, i) => `layer_${i}_ü`);
    const text = jsonl(header(), session(1, names), layer('layer_7_ü', 2));
    assert.ok(Buffer.byteLength(JSON.stringify(session(1, names))) > 2 * 1024 * 1024);
    const read = readCampaignFile(write('long-plan.jsonl', text));
    assert.deepEqual(read.problems, []);
    assert.equal(read.planned.length, 150000);
    assert.equal(read.planned[149999], 'layer_149999_ü');
    assert.deepEqual(
      read.layers.map((l) => l.line),
      [3],
    );
  });

  it('summarises repeated problems: the first three of a kind in full, then one line with the count and where', () => {
    const lines = [jsonl(header(), session(1, ['conv1']), layer('conv1', 5))];
    for (let i = 0; i < 12345; i++) lines.push('{"type": "layer", cut\n');
    for (let i = 0; i < 5; i++) lines.push(jsonl(layer('conv1', 6 + i)));
    lines.push('{"type":"end","ses');
    const file = write('damaged.jsonl', lines.join(''));
    const read = readCampaignFile(file);
    const messages = read.problems.map((p) => `${p.line} ${p.severity}: ${p.message}`);
    assert.equal(messages.length, 3 + 1 + 3 + 1 + 1, messages.join('\n'));
    assert.match(messages[0], /^4 error: not valid JSON/);
    assert.ok(
      messages.includes('7 error: 12,342 more lines that are not valid JSON (ignored), from line 7 to line 12,348'),
      messages.join('\n'),
    );
    assert.ok(
      messages.includes('12352 warning: 2 more layers measured again (the later measurement is used), from line 12,352 to line 12,353'),
      messages.join('\n'),
    );
    assert.ok(messages.some((m) => /^12354 warning: torn last line/.test(m)));
    assert.equal(read.layers.length, 1);
    assert.equal(read.layers[0].energy_mJ, 10, 'the last measurement is used');
  });

  it('skips a line over the record limit without keeping it, and reads on', () => {
    const huge = Buffer.alloc(MAX_RECORD_LINE_BYTES + 10, 0x61);
    const file = write(
      'long-line.jsonl',
      Buffer.concat([Buffer.from(jsonl(header(), session(1, ['conv1']))), huge, Buffer.from('\n' + jsonl(layer('conv1', 3)))]),
    );
    const read = readCampaignFile(file);
    assert.deepEqual(
      read.problems.map((p) => [p.line, p.message]),
      [[3, `a line of ${(MAX_RECORD_LINE_BYTES + 10).toLocaleString('en-US')} bytes, too long for a record: line ignored`]],
    );
    assert.deepEqual(
      read.layers.map((l) => [l.name, l.line]),
      [['conv1', 4]],
    );
  });

  it('a foreign file is judged by its first line and not read further; empty and blank files say so', () => {
    const foreign = write('foreign.jsonl', Buffer.concat([Buffer.from('{"hello": 1}\n'), Buffer.alloc(3 * 1024 * 1024, 0x62)]));
    assert.deepEqual(
      readCampaignFile(foreign).problems.map((p) => p.line),
      [1],
    );
    assert.match(readCampaignFile(write('empty.jsonl', '')).problems[0].message, /^empty file/);
    assert.match(readCampaignFile(write('blank.jsonl', '\n')).problems[0].message, /^empty file/);
    assert.match(readCampaignFile(write('blank-then.jsonl', `\n${jsonl(header())}`)).problems[0].message, /line 1 is not JSON/);
  });

  it('the non-blocking reader gives exactly what the blocking one gives, on every file above', async () => {
    const files = fs.readdirSync(dir).map((n) => path.join(dir, n));
    assert.ok(files.length >= 5, files.join(', '));
    for (const file of [...files, path.join(dir, 'no-such-file.jsonl')]) {
      assert.deepEqual(await readCampaignFileAsync(file), readCampaignFile(file), path.basename(file));
    }
  });

  it('the non-blocking reader gives the event loop back between chunks', async () => {
    const names = Array.from({ length: 12000 }, (_, i) => `conv_${i}`);
    const file = write('yields.jsonl', jsonl(header(), session(1, names), ...names.map((n, i) => layer(n, 1 + (i % 5)))));
    assert.ok(fs.statSync(file).size > 3 * 1024 * 1024, 'several 1 MiB chunks');
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    let reading = true;
    const counted = (async () => {
      // Immediate callbacks run only when the loop is free: count them while the read is in flight.
      while (reading) await new Promise<void>((resolve) => setImmediate(resolve));
    })();
    try {
      const read = await readCampaignFileAsync(file);
      reading = false;
      assert.equal(read.layers.length, 12000);
    } finally {
      clearInterval(tick);
      await counted;
    }
    assert.ok(turns > 0, 'timers ran while the file was read');
  });
});
