// Property: whatever is done to a real .caffemodel (truncation, flipped bytes, inserted garbage,
// huge varints, deleted ranges), reading it either succeeds or fails with one CaffemodelError,
// quickly and without large allocations.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { CaffemodelError } from '../../../server/src/caffe/caffemodel/errors';
import { readCaffemodelStructure } from '../../../server/src/caffe/caffemodel/structure';
import { CORPUS_CAFFEMODEL } from '../shared-paths';
import { TempFiles } from './model-bytes';

const TIME_LIMIT_MS = 3000;
/** A read allocates a 64 KiB window and a few KiB of parameters; 8 MiB means something went wrong. */
const ALLOCATION_LIMIT = 8 * 1024 * 1024;

type Corruption =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; flips: Array<[number, number]> }
  | { kind: 'insert'; at: number; garbage: Uint8Array }
  | { kind: 'varint'; at: number; length: number }
  | { kind: 'delete'; at: number; length: number };

interface Original {
  name: string;
  bytes: Buffer;
  /** Offsets of layer and blob boundaries, where corruption hits the structure. */
  hotSpots: number[];
}

function apply(original: Original, c: Corruption, pick: (n: number) => number): Buffer {
  const b = original.bytes;
  switch (c.kind) {
    case 'truncate':
      return b.subarray(0, pick(c.at) % (b.length + 1));
    case 'flip': {
      const out = Buffer.from(b);
      for (const [at, mask] of c.flips) out[pick(at) % out.length] ^= mask;
      return out;
    }
    case 'insert': {
      const at = pick(c.at) % (b.length + 1);
      return Buffer.concat([b.subarray(0, at), c.garbage, b.subarray(at)]);
    }
    case 'varint': {
      // Overwrite with `length` continuation bytes: a huge length/tag, or an overlong varint past 10.
      const out = Buffer.from(b);
      const at = pick(c.at) % out.length;
      for (let i = 0; i < c.length && at + i < out.length; i++) out[at + i] = i === c.length - 1 && c.length <= 10 ? 0x0f : 0xff;
      return out;
    }
    case 'delete': {
      const at = pick(c.at) % b.length;
      return Buffer.concat([b.subarray(0, at), b.subarray(at + c.length)]);
    }
  }
}

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('flip' as const),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), garbage: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('varint' as const), at: fc.nat(), length: fc.integer({ min: 5, max: 14 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
);

async function checkRead(file: string, size: number): Promise<void> {
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  try {
    const s = await readCaffemodelStructure(file);
    assert.ok(s.layers.length > 0);
  } catch (err) {
    assert.ok(err instanceof CaffemodelError, `not a CaffemodelError: ${err instanceof Error ? err.stack : String(err)}`);
    assert.match(err.message, /^at byte \d+: \S/);
    assert.ok(err.offset >= 0 && err.offset <= size, `offset ${err.offset} outside the file (size ${size})`);
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed < TIME_LIMIT_MS, `took ${elapsed.toFixed(0)} ms`);
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < ALLOCATION_LIMIT, `allocated ${grown} bytes of buffers`);
}

describe('caffemodel reader on corrupted files (property)', function () {
  this.timeout(120_000);
  const files = new TempFiles();
  after(() => files.cleanup());
  const originals: Original[] = [];

  before(async () => {
    for (const name of ['lenet_iter_10000.caffemodel', 'cifar10_quick_iter_5000.caffemodel']) {
      const file = path.join(CORPUS_CAFFEMODEL, name);
      const s = await readCaffemodelStructure(file);
      const hotSpots = s.layers.flatMap((l) => [
        l.offset,
        l.offset + l.byteLength,
        ...l.blobs.flatMap((b) => [b.offset, b.offset + b.byteLength]),
      ]);
      originals.push({ name, bytes: fs.readFileSync(file), hotSpots });
    }
  });

  it('never fails with anything but a CaffemodelError, and stays fast and small', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1 }),
        corruption,
        fc.boolean(),
        fc.integer({ min: -8, max: 64 }),
        async (which, c, nearStructure, delta) => {
          const original = originals[which];
          // Half the positions land next to a layer or blob boundary, where every byte matters.
          const pick = (n: number) => (nearStructure ? Math.max(0, original.hotSpots[n % original.hotSpots.length] + delta) : n);
          const content = apply(original, c, pick);
          await checkRead(files.write(content, 'corrupt.caffemodel'), content.length);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('handles arbitrary bytes the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (content) => {
        await checkRead(files.write(content, 'garbage.caffemodel'), content.length);
      }),
      { numRuns: 150 },
    );
  });
});
