// Parses what Caffe2's speed_benchmark / SyNERGY's mobile_speedbenchmark print on stdout
// (SimpleNet::TEST_Benchmark; the format is written down in BENCHMARK-FORMAT.md). Lines it does
// not know are kept as `unknownLines` (a real run also prints glog lines), never guessed at.
import { parseCppNumber } from './cpp-number-format';

export interface OperatorTiming {
  index: number;
  /** The op's name, else its first output, else NO_OUTPUT. */
  name: string;
  type: string;
  msPerIter: number;
  gflop?: number;
  gflops?: number;
  /**
   * The ` (<x> MB)` groups in order. Upstream's code puts feature memory then parameter memory
   * into the same stream, so two groups are (feature, parameter); one group is ambiguous.
   */
  memoryMb: number[];
}

export interface TypeRow {
  type: string;
  value: number;
  percent: number;
}

export interface MetricTable {
  /** "Time", "FLOP", "Feature Memory", "Parameter Memory" (newer Caffe2: "Feature Memory Read", …). */
  metric: string;
  unit: string;
  rows: TypeRow[];
  total: number;
}

export interface BenchmarkOutput {
  msPerIter: number;
  itersPerSecond: number;
  operators: OperatorTiming[];
  tables: MetricTable[];
  /** `Inside Run` lines (SyNERGY's runner only): one per net run. */
  netRuns: number;
  /** `Running operator_<name>` lines (SyNERGY's runner only), in order. */
  operatorStarts: string[];
  unknownLines: string[];
}

export class BenchmarkParseError extends Error {}

const MAX_LINE = 4096;
const MAIN_RUN = /^Main run finished\. Milliseconds per iter: (\S+)\. Iters per second: (\S+)$/;
const OPERATOR = /^Operator #(\d+) \((.*), ([^,()\s]+)\) (\S+) ms\/iter((?: \([^()]*\))*)$/;
const TYPE_ROW = /^ *(\S+) (\S+)\. +(\S+)%\. (.+)$/;
const TOTAL_ROW = /^ *(\S+) (\S+) in Total$/;
const TABLE_HEADER = /^(.+) per operator type:$/;

function num(text: string, line: string): number {
  const v = parseCppNumber(text);
  if (v === undefined) throw new BenchmarkParseError(`not a number ${JSON.stringify(text)} in benchmark line ${JSON.stringify(line)}`);
  return v;
}

function operatorLine(m: RegExpExecArray, line: string): OperatorTiming {
  const op: OperatorTiming = { index: Number(m[1]), name: m[2], type: m[3], msPerIter: num(m[4], line), memoryMb: [] };
  for (const g of m[5].matchAll(/ \(([^()]*)\)/g)) {
    const flops = /^(\S+) GFLOP, (\S+) GFLOPS$/.exec(g[1]);
    const mb = /^(\S+) MB$/.exec(g[1]);
    if (flops) {
      op.gflop = num(flops[1], line);
      op.gflops = num(flops[2], line);
    } else if (mb) op.memoryMb.push(num(mb[1], line));
    else throw new BenchmarkParseError(`unknown group (${g[1]}) in benchmark line ${JSON.stringify(line)}`);
  }
  return op;
}

export function parseBenchmarkOutput(text: string): BenchmarkOutput {
  const out: Omit<BenchmarkOutput, 'msPerIter' | 'itersPerSecond'> & { msPerIter?: number; itersPerSecond?: number } = {
    operators: [],
    tables: [],
    netRuns: 0,
    operatorStarts: [],
    unknownLines: [],
  };
  let table: MetricTable | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.length > MAX_LINE) throw new BenchmarkParseError(`benchmark output line of ${line.length} characters (more than ${MAX_LINE})`);
    if (line === '' || line === 'Starting benchmark.' || line === 'Running warmup runs.' || line === 'Main runs.') continue;
    if (line === 'Inside Run') {
      out.netRuns++;
      continue;
    }
    if (line.startsWith('Running operator_')) {
      out.operatorStarts.push(line.slice('Running operator_'.length));
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = MAIN_RUN.exec(line))) {
      out.msPerIter = num(m[1], line);
      out.itersPerSecond = num(m[2], line);
      continue;
    }
    if ((m = OPERATOR.exec(line))) {
      out.operators.push(operatorLine(m, line));
      continue;
    }
    if ((m = TABLE_HEADER.exec(line))) {
      table = { metric: m[1], unit: '', rows: [], total: 0 };
      out.tables.push(table);
      continue;
    }
    if (table && (m = TOTAL_ROW.exec(line))) {
      table.total = num(m[1], line);
      table.unit = m[2];
      table = undefined;
      continue;
    }
    if (table && (m = TYPE_ROW.exec(line))) {
      table.rows.push({ value: num(m[1], line), percent: num(m[3], line), type: m[4] });
      table.unit = m[2];
      continue;
    }
    out.unknownLines.push(line);
  }
  if (out.msPerIter === undefined || out.itersPerSecond === undefined) {
    throw new BenchmarkParseError(
      'the benchmark printed no "Main run finished. Milliseconds per iter: …" line (did it fail before benchmarking?)',
    );
  }
  out.operators.forEach((op, i) => {
    if (op.index !== i) throw new BenchmarkParseError(`operator lines out of order: #${op.index} where #${i} was expected`);
  });
  if (table) throw new BenchmarkParseError(`the "${table.metric} per operator type" table has no "in Total" line (output cut off?)`);
  return out as BenchmarkOutput;
}
