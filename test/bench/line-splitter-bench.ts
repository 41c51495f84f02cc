// Benchmark of the SSH line splitter on a line without a newline (a broken or hostile board).
// Baseline: the splitter before issue 13, kept below, which rescanned the pending text on every
// chunk (quadratic). Both run in this process on the same 64 KB chunks; printed: time per size,
// the growth ratio for 4x the input (linear is ~4x, quadratic ~16x), and new vs old.
//   node out/test/bench/line-splitter-bench.js      (after `npm run build`)
import { StringDecoder } from 'string_decoder';
import { LineSplitter } from '../../client/src/board/ssh/line-splitter';

/** The old algorithm (baseline): append the chunk, search the whole pending text from its start. */
class QuadraticLineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = this.pending.indexOf('\n', start)) >= 0) {
      const line = this.pending.slice(start, nl);
      start = nl + 1;
      this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    this.pending = this.pending.slice(start);
  }
}

const CHUNK = Buffer.alloc(64 * 1024, 0x41);
const MIB = 1024 * 1024;

function run(make: () => { push(c: Buffer): void }, bytes: number): number {
  const splitter = make();
  const start = performance.now();
  for (let sent = 0; sent < bytes; sent += CHUNK.length) splitter.push(CHUNK);
  splitter.push(Buffer.from('\n'));
  return performance.now() - start;
}

function best(runs: number, fn: () => number): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) min = Math.min(min, fn());
  return min;
}

export function benchLineSplitter(): string[] {
  const lines: string[] = [];
  let sink = 0;
  const linear = () => new LineSplitter(() => sink++, { onOverlong: () => sink++ });
  const quadratic = () => new QuadraticLineSplitter(() => sink++);
  run(linear, 4 * MIB); // warm the JIT
  run(quadratic, 1 * MIB);
  const old1 = best(3, () => run(quadratic, 1 * MIB));
  const old4 = best(1, () => run(quadratic, 4 * MIB));
  const new1 = best(5, () => run(linear, 1 * MIB));
  const new4 = best(5, () => run(linear, 4 * MIB));
  const new32 = best(3, () => run(linear, 32 * MIB));
  lines.push(
    `line-splitter: baseline (old, rescans pending) 1 MiB ${old1.toFixed(1)} ms, 4 MiB ${old4.toFixed(1)} ms: growth ${(old4 / old1).toFixed(1)}x for 4x input`,
  );
  lines.push(
    `line-splitter: new 1 MiB ${new1.toFixed(2)} ms, 4 MiB ${new4.toFixed(2)} ms: growth ${(new4 / new1).toFixed(1)}x for 4x input; 32 MiB ${new32.toFixed(1)} ms (${(new32 / new4).toFixed(1)}x for 8x)`,
  );
  lines.push(
    `line-splitter: new vs baseline at 4 MiB: ${(old4 / new4).toFixed(0)}x faster ${new4 < old4 / 10 ? 'OK' : 'SLOW'}; consumed ${sink} callbacks`,
  );
  return lines;
}

if (require.main === module) {
  for (const l of benchLineSplitter()) console.log(l);
}
