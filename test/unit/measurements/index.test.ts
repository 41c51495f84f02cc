// What the server asks the records: measured values for exactly this text, the latest campaign of a
// path (to flag a stale one), and the problems of bad files (never used as values).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MeasurementIndex, campaignFileName, measurementsFolder, networkTextSha256 } from '../../../server/src/measurements';
import { NET_TEXT, end, header, jsonl, layer, session, tempFolder } from './helpers';

describe('measurement records: text hash', () => {
  it('is the SHA-256 of the text, whatever the line endings or a byte-order mark', () => {
    assert.equal(networkTextSha256('abc\n'), 'edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb');
    assert.equal(networkTextSha256('abc\r\n'), networkTextSha256('abc\n'));
    assert.equal(networkTextSha256('\ufeffabc\n'), networkTextSha256('abc\n'));
    assert.equal(networkTextSha256('a\rb\r\n'), networkTextSha256('a\nb\n'));
    assert.notEqual(networkTextSha256('abc\n'), networkTextSha256('abd\n'));
    assert.notEqual(networkTextSha256('abc\n'), networkTextSha256('abc\n\n'));
  });

  it('names campaign files <network>-<target>-<timestamp>.jsonl with safe characters', () => {
    const date = new Date('2024-03-05T07:08:09.123Z');
    assert.equal(campaignFileName('/w/nets/squeezenet_v1.0.prototxt', 'tx1', date), 'squeezenet_v1.0-tx1-20240305T070809Z.jsonl');
    assert.equal(campaignFileName('my net (copy).prototxt', 'lab board/2', date), 'my_net_copy-lab_board_2-20240305T070809Z.jsonl');
    assert.equal(measurementsFolder('/w'), path.join('/w', '.energy-lens', 'measurements'));
  });
});

describe('measurement records: MeasurementIndex', () => {
  let root: string;
  let folder: string;
  const write = (name: string, text: string): string => {
    const file = path.join(folder, name);
    fs.writeFileSync(file, text);
    return file;
  };
  beforeEach(() => {
    root = tempFolder();
    folder = measurementsFolder(root);
    fs.mkdirSync(folder, { recursive: true });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('loads a folder without blocking, to the same campaigns as the blocking load, and coalesces changes into the newest content', async () => {
    const sha = networkTextSha256(NET_TEXT);
    write('a.jsonl', jsonl(header(), session(1, ['conv1', 'relu1']), layer('conv1', 10)));
    write('b.jsonl', jsonl(header(), session(1, ['conv1']), layer('conv1', 4), end('complete', 1, 1)));
    const index = new MeasurementIndex();
    await index.loadFolderAsync(folder);
    assert.deepEqual(index.campaigns(), MeasurementIndex.fromFolder(folder).campaigns());
    // A campaign appends a layer, then another, faster than a read: every change asked for, the last content wins.
    const file = path.join(folder, 'a.jsonl');
    fs.appendFileSync(file, jsonl(layer('relu1', 2)));
    const first = index.updateAsync(file);
    fs.appendFileSync(file, jsonl(end('complete', 1, 2)));
    const second = index.updateAsync(file);
    await Promise.all([first, second]);
    const a = index.campaigns().find((c) => c.file === file)!;
    assert.deepEqual([a.layers.length, a.status], [2, 'complete']);
    assert.equal(index.measuredFor(sha)?.status, 'complete');
    fs.rmSync(file);
    await index.updateAsync(file);
    assert.equal(index.campaigns().length, 1, 'a deleted file is dropped');
    write('a.jsonl', jsonl(header(), session(1, ['conv1']), layer('conv1', 3)));
    await index.updateAsync(file);
    assert.equal(index.campaigns().length, 2, 'and read again when it comes back');
  });

  it('measuredFor: per-layer values of the campaign that measured exactly this text', () => {
    const sha = networkTextSha256(NET_TEXT);
    write(
      'a.jsonl',
      jsonl(
        header(),
        session(1, ['conv1', 'relu1']),
        layer('conv1', 10, 1, 0.5),
        layer('relu1', 2),
        {
          type: 'net',
          session: 1,
          at: '2024-01-01T00:01:40.000Z',
          method: 'steady-state',
          time_ms: 5,
          power_mW: 2000,
          energy_mJ: 11,
          dynamic_energy_mJ: 6,
          spread: {},
          iterations: 20,
        },
        end('complete', 1, 2),
      ),
    );
    const index = MeasurementIndex.forWorkspace(root);
    const m = index.measuredFor(sha);
    assert.ok(m);
    assert.equal(m.status, 'complete');
    assert.deepEqual([...m.layers.keys()], ['conv1', 'relu1']);
    const conv = m.layers.get('conv1')!;
    assert.equal(conv.energy_mJ, 10);
    assert.equal(conv.dynamic_mJ, 8);
    assert.equal(conv.spreadPct, 5);
    assert.equal(conv.timeMs, 2);
    assert.equal(conv.line, 3);
    assert.equal(m.total_mJ, 12);
    assert.equal(m.net_mJ, 11);
    assert.deepEqual(
      [m.target, m.emulated, m.date, m.measuredCount, m.plannedCount, m.networkPath],
      ['tx1', true, '2024-01-01T00:00:00.000Z', 2, 2, 'nets/tiny.prototxt'],
    );
    assert.equal(index.measuredFor(networkTextSha256(NET_TEXT + ' ')), undefined);
    assert.equal(index.measuredFor(sha, { target: 'nano' }), undefined);
  });

  it('prefers a complete campaign over a newer partial one, and the newest among equals', () => {
    const sha = networkTextSha256(NET_TEXT);
    write(
      'old-complete.jsonl',
      jsonl(header({ id: 'old', created: '2024-01-01T00:00:00.000Z' }), session(1, ['conv1']), layer('conv1', 10), end('complete', 1, 1)),
    );
    write(
      'new-partial.jsonl',
      jsonl(header({ id: 'newp', created: '2024-02-01T00:00:00.000Z' }), session(1, ['conv1', 'relu1']), layer('relu1', 3)),
    );
    const index = MeasurementIndex.forWorkspace(root);
    assert.equal(index.measuredFor(sha)?.campaign.id, 'old');
    write(
      'newer-complete.jsonl',
      jsonl(header({ id: 'newc', created: '2024-03-01T00:00:00.000Z' }), session(1, ['conv1']), layer('conv1', 9), end('complete', 1, 1)),
    );
    index.update(path.join(folder, 'newer-complete.jsonl'));
    assert.equal(index.measuredFor(sha)?.campaign.id, 'newc');
    fs.rmSync(path.join(folder, 'newer-complete.jsonl'));
    index.update(path.join(folder, 'newer-complete.jsonl'));
    assert.equal(index.measuredFor(sha)?.campaign.id, 'old');
  });

  it('latestForPath finds the last campaign of a file even when its text changed since (stale)', () => {
    const oldText = NET_TEXT.replace('8 dim: 8', '16 dim: 16');
    write(
      'a.jsonl',
      jsonl(
        header({ id: 'first', created: '2024-01-01T00:00:00.000Z' }, oldText),
        session(1, ['conv1']),
        layer('conv1', 10),
        end('complete', 1, 1),
      ),
    );
    write(
      'b.jsonl',
      jsonl(header({ id: 'second', created: '2024-01-02T00:00:00.000Z' }, oldText), session(1, ['conv1']), layer('conv1', 11)),
    );
    const index = MeasurementIndex.forWorkspace(root);
    const latest = index.latestForPath('nets/tiny.prototxt');
    assert.equal(latest?.campaign.id, 'second');
    assert.notEqual(latest?.textSha256, networkTextSha256(NET_TEXT), 'the current text is not what was measured: stale');
    assert.equal(index.measuredFor(networkTextSha256(NET_TEXT)), undefined);
    assert.equal(index.latestForPath('./nets/tiny.prototxt')?.campaign.id, 'second');
    assert.equal(index.latestForPath('nets/other.prototxt'), undefined);
  });

  it('bad and foreign files are listed with their problems and never give values', () => {
    write('foreign.jsonl', '{"hello": "world"}\n');
    write('broken.jsonl', jsonl(header(), session(1, ['conv1'])) + '{"type":"layer",');
    write('notes.txt', 'not a campaign');
    const index = MeasurementIndex.forWorkspace(root);
    assert.equal(index.measuredFor(networkTextSha256(NET_TEXT)), undefined);
    assert.equal(index.campaigns().length, 2, 'only *.jsonl files are campaign files');
    const problems = index
      .problems()
      .map((p) => `${path.basename(p.file)}:${p.line}:${p.severity}`)
      .sort();
    assert.deepEqual(problems, ['broken.jsonl:3:warning', 'foreign.jsonl:1:error']);
  });

  it('an empty or missing folder is an empty index', () => {
    assert.deepEqual(MeasurementIndex.forWorkspace(path.join(root, 'nowhere')).campaigns(), []);
    assert.deepEqual(MeasurementIndex.forWorkspace(root).problems(), []);
  });

  it('a refresh reads files written without a watcher event, only those that changed, and drops deleted ones', async () => {
    const sha = networkTextSha256(NET_TEXT);
    const index = new MeasurementIndex();
    await index.loadFolderAsync(folder);
    assert.equal(await index.refreshFolderAsync(folder), false, 'nothing on disk, nothing changed');
    const file = write('late.jsonl', jsonl(header(), session(1, ['conv1']), layer('conv1', 7), end('complete', 1, 1)));
    assert.equal(index.measuredFor(sha), undefined, 'no event: not read yet');
    assert.equal(await index.refreshFolderAsync(folder), true);
    assert.equal(index.measuredFor(sha)?.total_mJ, 7);
    assert.equal(await index.refreshFolderAsync(folder), false, 'unchanged since read: not read again');
    fs.writeFileSync(file, jsonl(header(), session(1, ['conv1']), layer('conv1', 12), end('complete', 1, 1)));
    assert.equal(await index.refreshFolderAsync(folder), true);
    assert.equal(index.measuredFor(sha)?.total_mJ, 12, 'the changed content');
    fs.rmSync(file);
    assert.equal(await index.refreshFolderAsync(folder), true);
    assert.equal(index.measuredFor(sha), undefined, 'a deleted file gives no values');
  });
});
