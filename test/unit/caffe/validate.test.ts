import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from '../../../server/src/text/parser';
import { detectFileKind, messageTypeAt, validateDocument, type FileKind } from '../../../server/src/caffe/validate';
import type { Problem, TextEdit } from '../../../server/src/problem';
import { CORPUS_CAFFEMODEL, CORPUS_PROTOTXT } from '../shared-paths';

function check(text: string, kind?: FileKind): Problem[] {
  const doc = parse(text);
  assert.deepEqual(doc.errors, [], 'test text parses cleanly');
  return validateDocument(doc, kind);
}

/** The one problem with `code`, asserting there is exactly one problem overall. */
function only(problems: Problem[], code: string): Problem {
  assert.equal(problems.length, 1, `one problem expected, got ${JSON.stringify(problems.map((p) => p.message))}`);
  assert.equal(problems[0].code, code, problems[0].message);
  return problems[0];
}

/** Asserts the problem covers exactly the `nth` occurrence of `needle` in `text`. */
function assertSpan(text: string, p: Problem, needle: string, nth = 0): void {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} occurs in the text`);
  assert.deepEqual(p.span, { start: at, end: at + needle.length }, `span of ${JSON.stringify(needle)}`);
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return [...edits]
    .sort((a, b) => b.span.start - a.span.start)
    .reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

/** Applying the preferred fix of `p` to `text` gives `expected` and leaves no problem behind. */
function assertFixes(text: string, p: Problem, expected: string): void {
  const fix = p.fixes?.find((f) => f.preferred);
  assert.ok(fix, `a preferred fix for: ${p.message}`);
  const fixed = applyEdits(text, fix.edits);
  assert.equal(fixed, expected);
  assert.deepEqual(
    check(fixed).filter((q) => q.severity === 'error' || q.severity === 'warning'),
    [],
  );
}

const conv = (body: string) => `layer {\n  name: "c"\n  type: "Convolution"\n  convolution_param {\n    ${body}\n  }\n}\n`;

function corpusFiles(): string[] {
  const list = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.prototxt'))
      .map((f) => path.join(dir, f));
  return [...list(CORPUS_PROTOTXT), ...list(CORPUS_CAFFEMODEL)];
}

describe('caffe validation: the real corpus', () => {
  const files = corpusFiles();

  it('finds the corpus', () => assert.ok(files.length >= 35, `found ${files.length} files`));

  for (const file of files) {
    it(`${path.basename(file)} has no errors or warnings`, () => {
      const text = fs.readFileSync(file, 'utf8');
      const doc = parse(text);
      assert.deepEqual(doc.errors, [], 'parser errors (parser, not schema)');
      assert.equal(detectFileKind(doc), 'net');
      const bad = validateDocument(doc).filter((p) => p.severity === 'error' || p.severity === 'warning');
      assert.deepEqual(
        bad.map((p) => `${p.code}: ${p.message} at ${JSON.stringify(text.slice(p.span.start, p.span.end))}`),
        [],
      );
    });
  }

  it('reports the non-BVLC fields and layer types of the corpus as Information', () => {
    const infos = (name: string) => {
      const text = fs.readFileSync(path.join(CORPUS_PROTOTXT, name), 'utf8');
      return validateDocument(parse(text)).map((p) => ({ ...p, text: text.slice(p.span.start, p.span.end) }));
    };
    for (const name of ['densenet121.prototxt', 'wrn50_2.prototxt']) {
      const found = infos(name);
      assert.equal(found.length, 1, name);
      assert.equal(found[0].severity, 'information');
      assert.equal(found[0].code, 'fork-extension');
      assert.equal(found[0].text, 'ceil_mode');
      assert.match(found[0].message, /`ceil_mode` is not in BVLC Caffe; accepted by forks: .*PR #3057/);
    }
    const shuffle = infos('shufflenet_v2_1x.prototxt');
    assert.ok(shuffle.every((p) => p.severity === 'information' && p.code === 'fork-extension'));
    const texts = new Set(shuffle.map((p) => p.text));
    assert.deepEqual([...texts].sort(), ['"ConvolutionDepthwise"', '"ShuffleChannel"', 'shuffle_channel_param']);
  });

  it('finds a misspelt field in a real file and fixes it', () => {
    const original = fs.readFileSync(path.join(CORPUS_PROTOTXT, 'alexnet.prototxt'), 'utf8');
    const at = original.indexOf('kernel_size');
    const broken = original.slice(0, at) + 'kernal_size' + original.slice(at + 'kernel_size'.length);
    const p = only(check(broken), 'unknown-field');
    assert.deepEqual(p.span, { start: at, end: at + 'kernal_size'.length });
    assert.match(p.message, /Unknown field `kernal_size` in ConvolutionParameter; did you mean `kernel_size`\?/);
    assert.equal(applyEdits(broken, p.fixes![0].edits), original);
  });

  it('validates resnet152 in well under 5 ms after warm-up', () => {
    const doc = parse(fs.readFileSync(path.join(CORPUS_PROTOTXT, 'resnet152.prototxt'), 'utf8'));
    for (let i = 0; i < 50; i++) validateDocument(doc);
    // CPU time, not wall time: the machine is shared, and waiting for a core is not our cost.
    const runs = 40;
    const before = process.cpuUsage();
    for (let i = 0; i < runs; i++) validateDocument(doc);
    const used = process.cpuUsage(before);
    const ms = (used.user + used.system) / 1000 / runs;
    assert.ok(ms < 5, `${ms.toFixed(2)} ms per validation`);
  });
});

describe('caffe validation: diagnostics', () => {
  it('unknown field: error on the name, did-you-mean and a fix', () => {
    const text = conv('num_output: 64\n    kernal_size: 3');
    const p = only(check(text), 'unknown-field');
    assert.equal(p.severity, 'error');
    assertSpan(text, p, 'kernal_size');
    assert.equal(p.fixes![0].edits[0].newText, 'kernel_size');
    assertFixes(text, p, conv('num_output: 64\n    kernel_size: 3'));
  });

  it('unknown field far from any name: no fix, and its value is not examined', () => {
    const text = 'layer { name: "a" type: "ReLU" zzqqxx_param { anything: "at all" } }';
    const p = only(check(text), 'unknown-field');
    assertSpan(text, p, 'zzqqxx_param');
    assert.equal(p.fixes, undefined);
    assert.match(p.message, /in LayerParameter$/);
  });

  it('string where an integer is expected, with a fix that removes the quotes', () => {
    const text = conv('num_output: "64"');
    const p = only(check(text), 'wrong-value-type');
    assertSpan(text, p, '"64"');
    assert.match(p.message, /`num_output` takes a non-negative integer \(uint32\), not the string "64"/);
    assertFixes(text, p, conv('num_output: 64'));
  });

  it('float where an integer is expected (fixable when the float is whole)', () => {
    const half = conv('num_output: 1.5');
    assertSpan(half, only(check(half), 'wrong-value-type'), '1.5');
    assert.equal(check(half)[0].fixes, undefined);
    const whole = conv('num_output: 64.0');
    assertFixes(whole, only(check(whole), 'wrong-value-type'), conv('num_output: 64'));
  });

  it('integers and floats where numbers are expected are fine, in any literal form', () => {
    assert.deepEqual(check(conv('num_output: 0x40 group: 010 kernel_size: 3 weight_filler { std: 1 mean: -2e-3 }')), []);
    assert.deepEqual(check('layer { name: "d" type: "Dropout" dropout_param { dropout_ratio: inf } }'), []);
  });

  it('negative value for an unsigned field', () => {
    const text = conv('kernel_size: -3');
    const p = only(check(text), 'out-of-range');
    assertSpan(text, p, '-3');
    assert.match(p.message, /`kernel_size` is uint32 and cannot be negative; got -3/);
  });

  it('integers out of the range of their type', () => {
    assert.deepEqual(check(conv('num_output: 4294967295')), []);
    const big = conv('num_output: 4294967296');
    assertSpan(big, only(check(big), 'out-of-range'), '4294967296');
    const axis = conv('axis: -2147483649');
    assert.match(only(check(axis), 'out-of-range').message, /within -2147483648 to 2147483647 \(int32\)/);
    // 64-bit bounds are checked exactly, from the literal as written.
    assert.deepEqual(check('base_lr: 0.1 random_seed: 9223372036854775807', 'solver'), []);
    only(check('base_lr: 0.1 random_seed: 9223372036854775808', 'solver'), 'out-of-range');
  });

  it('short decimal literals (read without building a value) keep every range rule', () => {
    assert.deepEqual(check(conv('num_output: 123456789 axis: -12345678')), []);
    assertSpan(conv('pad: -1'), only(check(conv('pad: -1')), 'out-of-range'), '-1');
    only(check(conv('num_output: - 5')), 'out-of-range'); // spaced minus: still negative
    assert.deepEqual(check(conv('axis: - 5')), []);
    only(check(conv('num_output: 1234567890123')), 'out-of-range');
    only(check(conv('num_output: 1.0e1')), 'wrong-value-type');
  });

  it('bool fields take true/false (and 1/0), nothing else', () => {
    // Words that are properties of every JS object are not bools either.
    only(check(conv('bias_term: constructor')), 'wrong-value-type');
    only(check(conv('bias_term: "toString"')), 'wrong-value-type');
    assert.deepEqual(check(conv('bias_term: true')), []);
    assert.deepEqual(check(conv('bias_term: False')), []);
    assert.deepEqual(check(conv('bias_term: 0')), []);
    const yes = conv('bias_term: yes');
    const p = only(check(yes), 'wrong-value-type');
    assertSpan(yes, p, 'yes');
    assert.match(p.message, /takes true or false, not `yes`/);
    only(check(conv('bias_term: 2')), 'wrong-value-type');
    const quoted = conv('bias_term: "false"');
    assertFixes(quoted, only(check(quoted), 'wrong-value-type'), conv('bias_term: false'));
  });

  it('string fields take only quoted strings', () => {
    const text = 'layer { name: conv1 type: "ReLU" }';
    const p = only(check(text), 'wrong-value-type');
    assertSpan(text, p, 'conv1');
    assertFixes(text, p, 'layer { name: "conv1" type: "ReLU" }');
  });

  it('unknown enum value: did you mean, the valid list, and a fix', () => {
    const text = 'layer { name: "p" type: "Pooling" pooling_param { pool: MAXX kernel_size: 2 } }';
    const p = only(check(text), 'unknown-enum-value');
    assertSpan(text, p, 'MAXX');
    assert.match(p.message, /`MAXX` is not a value of PoolingParameter\.PoolMethod\. Did you mean `MAX`\? Valid: MAX, AVE, STOCHASTIC/);
    assertFixes(text, p, text.replace('MAXX', 'MAX'));
  });

  it('enum fields accept a defined number, reject other numbers and quoted names', () => {
    assert.deepEqual(check('layer { name: "p" type: "Pooling" pooling_param { pool: 1 } }'), []);
    only(check('layer { name: "p" type: "Pooling" pooling_param { pool: 7 } }'), 'unknown-enum-value');
    const quoted = 'layer { name: "p" type: "Pooling" pooling_param { pool: "AVE" } }';
    assertFixes(quoted, only(check(quoted), 'wrong-value-type'), quoted.replace('"AVE"', 'AVE'));
  });

  it('a non-repeated field given twice', () => {
    const text = conv('num_output: 64\n    num_output: 32');
    const p = only(check(text), 'duplicate-field');
    assertSpan(text, p, 'num_output', 1);
    assert.deepEqual(check(conv('kernel_size: 3\n    kernel_size: 1')), [], 'repeated fields may repeat');
    const twoBlocks = 'layer { name: "c" type: "Convolution" convolution_param { num_output: 1 } convolution_param { group: 2 } }';
    assertSpan(twoBlocks, only(check(twoBlocks), 'duplicate-field'), 'convolution_param', 1);
  });

  it('a scalar where a message is expected, and a message where a scalar is expected', () => {
    const scalar = 'layer { name: "c" type: "Convolution" convolution_param: 5 }';
    const p = only(check(scalar), 'expected-message');
    assertSpan(scalar, p, '5');
    assert.match(p.message, /`convolution_param` is a message \(ConvolutionParameter\)/);
    const msg = conv('num_output { }');
    assertSpan(msg, only(check(msg), 'expected-scalar'), '{ }');
  });

  it('lists: fine for repeated fields, an error for singular ones', () => {
    assert.deepEqual(check(conv('kernel_size: [3, 3] pad: []')), []);
    assert.deepEqual(check('input: "data" input_dim: [1, 3, 224, 224]'), []);
    const text = conv('num_output: [1, 2]');
    assertSpan(text, only(check(text), 'not-repeated'), '[1, 2]');
  });

  it('missing required fields', () => {
    const text = 'layer { name: "c" type: "Clip" clip_param { min: 0 } }';
    const p = only(check(text), 'missing-required');
    assert.match(p.message, /ClipParameter requires `max`/);
    assert.equal(p.span.start, text.indexOf('{ min'));
  });

  it('fork extensions: Information, still type-checked', () => {
    const text = 'layer { name: "p" type: "Pooling" pooling_param { pool: MAX kernel_size: 3 stride: 2 ceil_mode: false } }';
    const p = only(check(text), 'fork-extension');
    assert.equal(p.severity, 'information');
    assertSpan(text, p, 'ceil_mode');
    assert.match(p.message, /^`ceil_mode` is not in BVLC Caffe; accepted by forks: .*round_mode: FLOOR/);
    const wrong = check(text.replace('ceil_mode: false', 'ceil_mode: maybe'));
    assert.deepEqual(
      wrong.map((q) => q.code),
      ['fork-extension', 'wrong-value-type'],
    );

    const shuffle = 'layer { name: "s" type: "ShuffleChannel" shuffle_channel_param { group: 3 } }';
    const found = check(shuffle);
    assert.deepEqual(
      found.map((q) => [q.severity, q.code, shuffle.slice(q.span.start, q.span.end)]),
      [
        ['information', 'fork-extension', '"ShuffleChannel"'],
        ['information', 'fork-extension', 'shuffle_channel_param'],
      ],
    );
    only(
      check(shuffle.replace('group', 'groups')).filter((q) => q.severity === 'error'),
      'unknown-field',
    );
  });

  it('SSD detection layers (fork) validate, with their parameters type-checked', () => {
    const ssd = [
      'layer { name: "n" type: "Normalize" norm_param { across_spatial: false scale_filler { type: "constant" value: 20 } channel_shared: false } }',
      'layer { name: "p" type: "Permute" permute_param { order: 0 order: 2 order: 3 order: 1 } }',
      'layer { name: "b" type: "PriorBox" prior_box_param { min_size: 60 max_size: 111 aspect_ratio: 2 flip: true clip: false',
      '  variance: 0.1 variance: 0.1 variance: 0.2 variance: 0.2 step: 16 offset: 0.5 } }',
      'layer { name: "d" type: "DetectionOutput" detection_output_param { num_classes: 21 share_location: true',
      '  background_label_id: 0 nms_param { nms_threshold: 0.45 top_k: 100 } code_type: CENTER_SIZE keep_top_k: 100',
      '  confidence_threshold: 0.25 } }',
    ].join('\n');
    const found = check(ssd);
    assert.ok(found.length >= 8 && found.every((p) => p.severity === 'information' && p.code === 'fork-extension'));
    const bad = check(ssd.replace('CENTER_SIZE', 'CENTRE_SIZE')).filter((p) => p.severity === 'error');
    assertSpan(ssd.replace('CENTER_SIZE', 'CENTRE_SIZE'), only(bad, 'unknown-enum-value'), 'CENTRE_SIZE');
  });

  it('V2 layer types: unknown ones warn with a fix; V1 enum names get the V2 string', () => {
    const typo = 'layer { name: "c" type: "Convolutoin" }';
    const p = only(check(typo), 'unknown-layer-type');
    assert.equal(p.severity, 'warning');
    assertSpan(typo, p, '"Convolutoin"');
    assertFixes(typo, p, 'layer { name: "c" type: "Convolution" }');

    const v1style = 'layer { name: "c" type: INNER_PRODUCT }';
    const q = only(check(v1style), 'wrong-value-type');
    assert.match(q.message, /the V1 enum `INNER_PRODUCT` is written "InnerProduct"/);
    assertFixes(v1style, q, 'layer { name: "c" type: "InnerProduct" }');
  });

  it('V1 layer types are enum values; V0 types are checked against the V0 names', () => {
    assert.deepEqual(check('layers { name: "c" type: CONVOLUTION convolution_param { num_output: 2 } }'), []);
    const typo = 'layers { name: "c" type: CONVOLUTON }';
    assertFixes(typo, only(check(typo), 'unknown-enum-value'), 'layers { name: "c" type: CONVOLUTION }');
    const v2style = 'layers { name: "c" type: "Convolution" }';
    const p = only(check(v2style), 'wrong-value-type');
    assert.match(p.message, /V1 `layers` take an enum/);
    assertFixes(v2style, p, 'layers { name: "c" type: CONVOLUTION }');

    assert.deepEqual(check('layers { layer { name: "c" type: "conv" kernelsize: 3 } bottom: "data" top: "c" }'), []);
    const v0 = 'layers { layer { name: "c" type: "convv" } }';
    assertSpan(v0, only(check(v0), 'unknown-layer-type'), '"convv"');
  });
});

describe('caffe validation: file kinds and positions', () => {
  const solver = [
    'net: "models/bvlc_alexnet/train_val.prototxt"',
    'test_iter: 1000',
    'test_interval: 1000',
    'base_lr: 0.01',
    'lr_policy: "step"',
    'gamma: 0.1',
    'stepsize: 100000',
    'display: 20',
    'max_iter: 450000',
    'momentum: 0.9',
    'weight_decay: 0.0005',
    'snapshot: 10000',
    'snapshot_prefix: "models/bvlc_alexnet/caffe_alexnet_train"',
    'solver_mode: GPU',
    '',
  ].join('\n');

  it('detects and validates a solver', () => {
    const doc = parse(solver);
    assert.equal(detectFileKind(doc), 'solver');
    assert.deepEqual(validateDocument(doc), []);
    const bad = solver.replace('solver_mode: GPU', 'solver_mode: TPU');
    const p = only(check(bad), 'unknown-enum-value');
    assert.match(p.message, /SolverParameter\.SolverMode.*Valid: CPU, GPU/);
    // The same text checked as a net: its fields are unknown there.
    assert.ok(check(solver, 'net').every((q) => q.code === 'unknown-field'));
  });

  it('detects nets, including empty files', () => {
    assert.equal(detectFileKind(parse('')), 'net');
    assert.equal(detectFileKind(parse('name: "x" layer { name: "a" }')), 'net');
    assert.equal(detectFileKind(parse('name: "x" debug_info: true layer { name: "a" }')), 'net');
    assert.equal(detectFileKind(parse('debug_info: true base_lr: 0.1')), 'solver');
  });

  it('finds the innermost message at an offset, with its schema type and path', () => {
    const text = [
      'name: "n"',
      'layer {',
      '  name: "c"',
      '  convolution_param {',
      '    num_output: 8',
      '    weight_filler { type: "xavier" }',
      '  }',
      '  shuffle_channel_param { group: 2 }',
      '  unknown_param { x: 1 }',
      '}',
      'layers { layer { name: "v0" } }',
      '',
    ].join('\n');
    const doc = parse(text);
    const at = (needle: string) => {
      const r = messageTypeAt(doc, text.indexOf(needle));
      return r && { type: r.typeName, path: r.path.map((f) => f.name) };
    };
    assert.deepEqual(at('name: "n"'), { type: 'NetParameter', path: [] });
    assert.deepEqual(at('name: "c"'), { type: 'LayerParameter', path: ['layer'] });
    assert.deepEqual(at('num_output'), { type: 'ConvolutionParameter', path: ['layer', 'convolution_param'] });
    assert.deepEqual(at('type: "xavier"'), { type: 'FillerParameter', path: ['layer', 'convolution_param', 'weight_filler'] });
    assert.deepEqual(at('group: 2'), { type: 'ShuffleChannelParameter', path: ['layer', 'shuffle_channel_param'] });
    assert.equal(at('x: 1'), undefined);
    assert.deepEqual(at('name: "v0"'), { type: 'V0LayerParameter', path: ['layers', 'layer'] });
    // On the opening brace itself the offset is still outside; just after it, inside.
    const brace = text.indexOf('{', text.indexOf('convolution_param'));
    assert.equal(messageTypeAt(doc, brace)?.typeName, 'LayerParameter');
    assert.equal(messageTypeAt(doc, brace + 1)?.typeName, 'ConvolutionParameter');
    const r = messageTypeAt(doc, text.indexOf('num_output'))!;
    assert.equal(r.message.fields[0].name, 'num_output');
  });

  it('finds the message at the end of an unfinished document, and inside lists of messages', () => {
    const text = 'layer {\n  name: "c"\n  pooling_param {\n    ';
    const doc = parse(text);
    assert.equal(messageTypeAt(doc, text.length, 'net')?.typeName, 'PoolingParameter');
    const list = 'input_shape: [ { dim: 1 }, { dim: 3 } ]';
    const listDoc = parse(list);
    assert.deepEqual(listDoc.errors, []);
    const r = messageTypeAt(listDoc, list.indexOf('dim: 3'), 'net')!;
    assert.equal(r.typeName, 'BlobShape');
    assert.equal(r.message.span.start, list.indexOf('{ dim: 3'));
  });
});
