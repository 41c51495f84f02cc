// The benchmark-output parser against verbatim samples (see server/src/caffe2/BENCHMARK-FORMAT.md).
import * as assert from 'assert';
import { BenchmarkParseError, parseBenchmarkOutput } from '../../../server/src/caffe2/benchmark-output';
import { formatCppDefault, formatCppToString } from '../../../server/src/caffe2/cpp-number-format';

// Published upstream run (rwightman/gen-efficientnet-pytorch BENCHMARK.md, EfficientNet-B0), first two tables.
const UPSTREAM = `Main run finished. Milliseconds per iter: 49.2862. Iters per second: 20.2897
Time per operator type:
        29.7378 ms.    60.5145%. Conv
        12.1785 ms.    24.7824%. Sigmoid
        3.62811 ms.    7.38297%. SpatialBN
        2.98444 ms.    6.07314%. Mul
       0.326902 ms.   0.665225%. AveragePool
       0.197317 ms.   0.401528%. FC
      0.0852877 ms.   0.173555%. Add
      0.0032607 ms. 0.00663532%. Squeeze
        49.1416 ms in Total
FLOP per operator type:
        0.76907 GFLOP.    95.2696%. Conv
      0.0269508 GFLOP.    3.33857%. SpatialBN
     0.00846444 GFLOP.    1.04855%. Mul
       0.002561 GFLOP.   0.317248%. FC
    0.000210112 GFLOP.  0.0260279%. Add
       0.807256 GFLOP in Total
`;

// SyNERGY's runner (Inside Run / Running operator_ lines) with --run_individual=true, in the layout of its net_simple.cc.
const SYNERGY = `Inside Run
Running operator_conv1
Running operator_conv1
Starting benchmark.
Running warmup runs.
Main runs.
Inside Run
Running operator_conv1
Running operator_conv1
Main run finished. Milliseconds per iter: 21.9897. Iters per second: 45.4759
Operator #0 (conv1, Conv) 20.5123 ms/iter (0.210830 GFLOP, 10.278231 GFLOPS) (1.161600 MB) (0.139776 MB)
Operator #1 (conv1, Relu) 1.0412 ms/iter
Time per operator type:
        20.5123 ms.    95.1695%. Conv
         1.0412 ms.    4.83082%. Relu
        21.5535 ms in Total
FLOP per operator type:
        0.21083 GFLOP.        100%. Conv
        0.21083 GFLOP in Total
Feature Memory per operator type:
         1.1616 MB.        100%. Conv
         1.1616 MB in Total
Parameter Memory per operator type:
       0.139776 MB.        100%. Conv
       0.139776 MB in Total
`;

describe('Caffe2 benchmark output parser', () => {
  it('reads the upstream summary and per-type tables', () => {
    const r = parseBenchmarkOutput(UPSTREAM);
    assert.strictEqual(r.msPerIter, 49.2862);
    assert.strictEqual(r.itersPerSecond, 20.2897);
    assert.deepStrictEqual(
      r.tables.map((t) => [t.metric, t.unit, t.rows.length, t.total]),
      [
        ['Time', 'ms', 8, 49.1416],
        ['FLOP', 'GFLOP', 5, 0.807256],
      ],
    );
    assert.deepStrictEqual(r.tables[0].rows[7], { type: 'Squeeze', value: 0.0032607, percent: 0.00663532 });
    assert.deepStrictEqual(r.unknownLines, []);
  });

  it("reads SyNERGY's runner with per-operator lines and both memory groups", () => {
    const r = parseBenchmarkOutput(SYNERGY);
    assert.strictEqual(r.netRuns, 2);
    assert.deepStrictEqual(r.operatorStarts, ['conv1', 'conv1', 'conv1', 'conv1']);
    assert.strictEqual(r.operators.length, 2);
    assert.deepStrictEqual(r.operators[0], {
      index: 0,
      name: 'conv1',
      type: 'Conv',
      msPerIter: 20.5123,
      gflop: 0.21083,
      gflops: 10.278231,
      memoryMb: [1.1616, 0.139776],
    });
    assert.deepStrictEqual(r.operators[1], { index: 1, name: 'conv1', type: 'Relu', msPerIter: 1.0412, memoryMb: [] });
    assert.deepStrictEqual(
      r.tables.map((t) => t.metric),
      ['Time', 'FLOP', 'Feature Memory', 'Parameter Memory'],
    );
  });

  it('keeps op names with commas and parentheses, and glog lines as unknown', () => {
    const r = parseBenchmarkOutput(
      'I1202 10:00:00.000 1 init.cc:1] hello\nMain run finished. Milliseconds per iter: 4.5e-05. Iters per second: 2.22222e+07\nOperator #0 (a, b (c), Conv) 4.5e-05 ms/iter\n',
    );
    assert.strictEqual(r.operators[0].name, 'a, b (c)');
    assert.strictEqual(r.operators[0].msPerIter, 4.5e-5);
    assert.strictEqual(r.itersPerSecond, 2.22222e7);
    assert.deepStrictEqual(r.unknownLines, ['I1202 10:00:00.000 1 init.cc:1] hello']);
  });

  it('refuses output without the main-run line, microseconds, cut-off tables and bad numbers', () => {
    assert.throws(() => parseBenchmarkOutput('Starting benchmark.\nRunning warmup runs.\n'), BenchmarkParseError);
    assert.throws(
      () => parseBenchmarkOutput('Main run finished. Microseconds per iter: 426.187. Iters per second: 2346.39\n'),
      /no "Main run finished/,
    );
    assert.throws(() => parseBenchmarkOutput(`${UPSTREAM}Time per operator type:\n        1 ms.   100%. Conv\n`), /no "in Total" line/);
    assert.throws(() => parseBenchmarkOutput('Main run finished. Milliseconds per iter: 1.2.3. Iters per second: 1\n'), /not a number/);
    assert.throws(
      () => parseBenchmarkOutput(`Main run finished. Milliseconds per iter: 1. Iters per second: 1\nOperator #1 (a, Conv) 1 ms/iter\n`),
      /out of order/,
    );
    assert.throws(() => parseBenchmarkOutput('x'.repeat(5000)), /more than 4096/);
  });

  it('formats numbers as C++ streams do (%g, 6 digits) and std::to_string (%f)', () => {
    const cases: Array<[number, string]> = [
      [49.28621, '49.2862'],
      [20, '20'],
      [0.000045, '4.5e-05'],
      [1234567, '1.23457e+06'],
      [100000, '100000'],
      [0.0001, '0.0001'],
      [999999.5, '1e+06'],
      [0, '0'],
    ];
    for (const [x, s] of cases) assert.strictEqual(formatCppDefault(x), s, String(x));
    assert.strictEqual(formatCppToString(0.21083), '0.210830');
  });
});
