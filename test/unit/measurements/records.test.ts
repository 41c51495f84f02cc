// The records format: append-only writer with fsync, reader that reports every bad line with file
// and line, torn last lines (crash) tolerated, resume merging sessions without duplicates or losses.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  CampaignRecordWriter,
  RecordsWriteError,
  layersToMeasure,
  parseCampaignText,
  readCampaignFile,
} from '../../../server/src/measurements';
import { end, header, jsonl, layer, session, tempFolder } from './helpers';

describe('measurement records: writer and reader', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempFolder();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('create writes the header; every append is a whole line on disk before it returns', () => {
    const file = path.join(dir, 'sub', 'c.jsonl');
    const w = CampaignRecordWriter.create(file, header());
    assert.equal(readCampaignFile(file).campaign?.id, '20240101T000000Z-abcd');
    w.append(session(1, ['conv1', 'relu1']));
    w.append(layer('conv1', 12.5));
    // Another reader sees the record immediately (no buffering in the writer).
    const mid = readCampaignFile(file);
    assert.deepEqual(
      mid.layers.map((l) => [l.name, l.energy_mJ, l.line]),
      [['conv1', 12.5, 3]],
    );
    assert.equal(mid.status, 'partial');
    w.append(layer('relu1', 3));
    w.append(end('complete', 1, 2));
    w.close();
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.endsWith('\n'));
    assert.equal(text.split('\n').length, 6);
    const read = readCampaignFile(file);
    assert.deepEqual(read.problems, []);
    assert.equal(read.status, 'complete');
    assert.deepEqual(read.planned, ['conv1', 'relu1']);
    assert.equal(read.updated, '2024-01-01T00:01:59.000Z');
  });

  it('never overwrites an existing campaign and refuses records the reader would reject', () => {
    const file = path.join(dir, 'c.jsonl');
    CampaignRecordWriter.create(file, header()).close();
    assert.throws(() => CampaignRecordWriter.create(file, header()), RecordsWriteError);
    const { writer } = CampaignRecordWriter.reopen(file);
    const before = fs.readFileSync(file, 'utf8');
    assert.throws(() => writer.append({ ...layer('conv1', 1), energy_mJ: -1 }), /layer record \/energy_mJ: must be >= 0/);
    assert.throws(() => writer.append({ ...layer('conv1', 1), time_ms: undefined as unknown as number }), /missing 'time_ms'/);
    writer.close();
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    assert.throws(
      () => CampaignRecordWriter.create(path.join(dir, 'h.jsonl'), { ...header(), network: { ...header().network, sha256: 'xyz' } }),
      /sha256/,
    );
  });

  it('a record torn by a crash: ignored with a warning, every earlier layer kept', () => {
    const file = path.join(dir, 'c.jsonl');
    const whole = jsonl(header(), session(1, ['conv1', 'relu1']), layer('conv1', 10));
    const torn = JSON.stringify(layer('relu1', 2)).slice(0, 57);
    fs.writeFileSync(file, whole + torn);
    const read = readCampaignFile(file);
    assert.deepEqual(
      read.layers.map((l) => l.name),
      ['conv1'],
    );
    assert.equal(read.problems.length, 1);
    assert.deepEqual([read.problems[0].line, read.problems[0].severity, read.problems[0].file], [4, 'warning', file]);
    assert.match(read.problems[0].message, /torn last line/);
    assert.equal(read.validBytes, Buffer.byteLength(whole));
    assert.deepEqual(layersToMeasure(read), ['relu1']);
  });

  it('reopen cuts the torn tail off, so resumed records follow whole lines', () => {
    const file = path.join(dir, 'c.jsonl');
    const whole = jsonl(header(), session(1, ['conv1', 'relu1']), layer('conv1', 10));
    fs.writeFileSync(file, whole + '{"type":"layer","sess');
    const { writer, repaired } = CampaignRecordWriter.reopen(file);
    assert.match(repaired ?? '', /removed a torn last line \(21 bytes/);
    writer.append(session(2, ['relu1'], ['conv1']));
    writer.append(layer('relu1', 2, 2));
    writer.close();
    const read = readCampaignFile(file);
    assert.deepEqual(read.problems, []);
    assert.deepEqual(
      read.layers.map((l) => l.name),
      ['conv1', 'relu1'],
    );
    assert.ok(fs.readFileSync(file, 'utf8').startsWith(whole));
  });

  it('reopen keeps a record cut exactly before its newline and completes the line', () => {
    const file = path.join(dir, 'c.jsonl');
    const content = jsonl(header(), session(1, ['conv1']), layer('conv1', 10));
    fs.writeFileSync(file, content.slice(0, -1));
    assert.equal(readCampaignFile(file).layers.length, 1, 'a whole record without its newline is still read');
    const { writer, repaired } = CampaignRecordWriter.reopen(file);
    assert.match(repaired ?? '', /added the missing newline/);
    writer.close();
    assert.equal(fs.readFileSync(file, 'utf8'), content);
  });

  it('reports a broken line in the middle, and schema errors, with file, line and field; the rest is used', () => {
    const file = path.join(dir, 'c.jsonl');
    const bad = { ...layer('relu1', 2), power_mW: 'high' };
    fs.writeFileSync(
      file,
      jsonl(header(), session(1, ['conv1', 'relu1', 'fc'])) +
        '{"type": "layer", oops\n' +
        jsonl(bad, layer('fc', 4), { type: 'telemetry', at: 'x' }),
    );
    const read = readCampaignFile(file);
    assert.deepEqual(
      read.layers.map((l) => [l.name, l.line]),
      [['fc', 5]],
    );
    const p = read.problems.map((x) => [x.line, x.severity, x.message]);
    assert.equal(p.length, 3);
    assert.deepEqual(p[0].slice(0, 2), [3, 'error']);
    assert.match(p[0][2] as string, /not valid JSON/);
    assert.deepEqual(p[1].slice(0, 2), [4, 'error']);
    assert.match(p[1][2] as string, /layer record \/power_mW: must be number/);
    assert.match(p[2][2] as string, /unknown record type 'telemetry'/);
    assert.ok(read.problems.every((x) => x.file === file));
  });

  it('foreign, newer and empty files are never used, and say why', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['csv.jsonl', 'layer,energy\nconv1,12\n', /line 1 is not JSON/],
      ['other.jsonl', '{"type":"campaign","format":"someone-else"}\n{"type":"layer"}\n', /not an Energy Lens measurement records file/],
      [
        'newer.jsonl',
        jsonl({ ...header(), version: 2 }, layer('conv1', 1)),
        /newer Energy Lens \(records version 2; this version reads 1\)/,
      ],
      ['noheader.jsonl', jsonl(layer('conv1', 1)), /must be a "campaign" header/],
      ['badheader.jsonl', jsonl({ ...header(), created: 'yesterday' }), /campaign record \/created: must match pattern/],
      ['empty.jsonl', '', /empty file/],
    ];
    for (const [name, text, message] of cases) {
      const read = parseCampaignText(text, name);
      assert.equal(read.campaign, undefined, name);
      assert.equal(read.layers.length, 0, name);
      assert.equal(read.problems.length, 1, name);
      assert.equal(read.problems[0].severity, 'error', name);
      assert.match(read.problems[0].message, message, name);
    }
    const missing = readCampaignFile(path.join(dir, 'nope.jsonl'));
    assert.match(missing.problems[0].message, /cannot read the file \(ENOENT\)/);
  });

  it('resume merge: sessions add up to the plan; a layer measured twice is reported and the later one used', () => {
    const first = jsonl(header(), session(1, ['conv1', 'relu1', 'fc']), layer('conv1', 10), end('interrupted', 1, 1));
    const partial = parseCampaignText(first, 'c.jsonl');
    assert.equal(partial.status, 'partial');
    assert.deepEqual(layersToMeasure(partial), ['relu1', 'fc']);
    const second = first + jsonl(session(2, ['relu1', 'fc'], ['conv1']), layer('relu1', 2, 2), layer('fc', 5, 2), end('complete', 2, 3));
    const done = parseCampaignText(second, 'c.jsonl');
    assert.equal(done.status, 'complete');
    assert.deepEqual(done.planned, ['conv1', 'relu1', 'fc']);
    assert.deepEqual(
      done.layers.map((l) => [l.name, l.session]),
      [
        ['conv1', 1],
        ['relu1', 2],
        ['fc', 2],
      ],
    );
    assert.deepEqual(layersToMeasure(done), []);
    assert.deepEqual(done.problems, []);

    const twice = parseCampaignText(second + jsonl(layer('conv1', 11, 3)), 'c.jsonl');
    assert.deepEqual(
      twice.layers.map((l) => [l.name, l.energy_mJ]),
      [
        ['relu1', 2],
        ['fc', 5],
        ['conv1', 11],
      ],
    );
    assert.equal(twice.problems.length, 1);
    assert.match(twice.problems[0].message, /layer "conv1" was measured again \(first on line 3\)/);
    assert.equal(twice.problems[0].severity, 'warning');
  });

  it('complete needs every planned layer and a last session that ended normally', () => {
    const allLayers = jsonl(header(), session(1, ['conv1', 'relu1']), layer('conv1', 10), layer('relu1', 2));
    assert.equal(parseCampaignText(allLayers + jsonl(end('cancelled', 1, 2)), 'c').status, 'partial');
    assert.equal(parseCampaignText(allLayers + jsonl(end('complete', 1, 2)), 'c').status, 'complete');
    const missing = jsonl(header(), session(1, ['conv1', 'relu1']), layer('conv1', 10), end('complete', 1, 1));
    assert.equal(parseCampaignText(missing, 'c').status, 'partial');
    assert.equal(parseCampaignText(jsonl(header(), session(1, ['conv1'])), 'c').status, 'empty');
  });
});
