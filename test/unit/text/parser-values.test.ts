// Every syntax form of protobuf text format: decoded values and exact spans.
import { strict as assert } from 'assert';
import type { Field, MessageValue, NumberValue, ParsedDocument, Value } from '../../../server/src/text/ast';
import { parse } from '../../../server/src/text/parser';
import { at, plainFields } from './tree-helpers';

function parseOk(text: string): ParsedDocument {
  const doc = parse(text);
  assert.deepEqual(doc.errors, [], `unexpected errors for ${JSON.stringify(text)}`);
  return doc;
}

/** The value of the single field in `text`. */
function valueOf(text: string): Value {
  const doc = parseOk(text);
  assert.equal(doc.root.fields.length, 1);
  const v = doc.root.fields[0].value;
  assert.ok(v, 'field has a value');
  return v;
}

function stringOf(text: string): string {
  const v = valueOf(text);
  assert.equal(v.kind, 'string');
  return v.value;
}

function numberOf(text: string): NumberValue {
  const v = valueOf(text);
  assert.equal(v.kind, 'number', `${text} is a number`);
  return v;
}

describe('parser: strings', () => {
  it('reads double- and single-quoted strings', () => {
    assert.equal(stringOf('a: "hello"'), 'hello');
    assert.equal(stringOf("a: 'hello'"), 'hello');
    assert.equal(stringOf('a: ""'), '');
    assert.equal(stringOf(`a: "it's"`), "it's");
    assert.equal(stringOf(`a: 'say "hi"'`), 'say "hi"');
  });

  it('resolves simple escapes', () => {
    assert.equal(stringOf(String.raw`a: "x\ny\tz"`), 'x\ny\tz');
    assert.equal(stringOf(String.raw`a: "back\\slash"`), 'back\\slash');
    assert.equal(stringOf(String.raw`a: 'q\'s'`), "q's");
    assert.equal(stringOf(String.raw`a: "q\"d"`), 'q"d');
    assert.equal(stringOf(String.raw`a: "\a\b\f\r\v\?"`), '\x07\b\f\r\v?');
  });

  it('resolves hex, octal and unicode escapes', () => {
    assert.equal(stringOf(String.raw`a: "\x41\x4a"`), 'AJ');
    assert.equal(stringOf(String.raw`a: "\x9"`), '\t', 'one hex digit');
    assert.equal(stringOf(String.raw`a: "\101\60"`), 'A0');
    assert.equal(stringOf(String.raw`a: "\1011"`), 'A1', 'octal takes at most 3 digits');
    assert.equal(stringOf(String.raw`a: "\u00e9\u4e2d"`), 'é中');
    assert.equal(stringOf(String.raw`a: "\U0001F600"`), '😀');
  });

  it('decodes byte escapes as UTF-8, as protobuf does', () => {
    assert.equal(stringOf(String.raw`a: "caf\xc3\xa9"`), 'café');
    assert.equal(stringOf(String.raw`a: "\303\251"`), 'é');
    assert.equal(stringOf(String.raw`a: "\xff"`), '\ufffd', 'invalid UTF-8 becomes U+FFFD');
  });

  it('concatenates adjacent literals, across quotes and lines', () => {
    const text = 'a: "ab" \'cd\'\n   "ef"';
    const doc = parseOk(text);
    const v = doc.root.fields[0].value!;
    assert.equal(v.kind, 'string');
    assert.equal(v.value, 'abcdef');
    assert.equal(at(text, v.span), '"ab" \'cd\'\n   "ef"');
  });

  it('keeps non-ASCII text as is and spans in UTF-16 units', () => {
    const text = 'a: "é😀" b: 1';
    const doc = parseOk(text);
    assert.equal(doc.root.fields[0].value!.kind === 'string' && doc.root.fields[0].value!.value, 'é😀');
    const b = doc.root.fields[1];
    assert.equal(b.nameSpan.start, text.indexOf('b:'));
    assert.equal(at(text, b.value!.span), '1');
  });
});

describe('parser: numbers', () => {
  const cases: Array<[string, number, boolean]> = [
    ['0', 0, true],
    ['42', 42, true],
    ['-7', -7, true],
    ['0x1F', 31, true],
    ['0XfF', 255, true],
    ['-0x10', -16, true],
    ['017', 15, true],
    ['-017', -15, true],
    ['00', 0, true],
    ['1.5', 1.5, false],
    ['-2.25', -2.25, false],
    ['1e3', 1000, false],
    ['1E-3', 0.001, false],
    ['2.5e+2', 250, false],
    ['.5', 0.5, false],
    ['-.5', -0.5, false],
    ['5.', 5, false],
    ['1.5f', 1.5, false],
    ['2F', 2, false],
    ['3.f', 3, false],
    ['1e5f', 100000, false],
    ['0.001', 0.001, false],
    ['0.5', 0.5, false],
  ];
  for (const [literal, value, isInteger] of cases) {
    it(`reads ${literal}`, () => {
      const text = `x: ${literal}`;
      const n = numberOf(text);
      assert.equal(n.value, value);
      assert.equal(n.isInteger, isInteger);
      assert.equal(n.raw, literal);
      assert.deepEqual(n.span, { start: 3, end: 3 + literal.length });
    });
  }

  it('reads inf, infinity and nan in any case, with or without minus', () => {
    for (const w of ['inf', 'Inf', 'INF', 'infinity', 'Infinity']) assert.equal(numberOf(`x: ${w}`).value, Infinity, w);
    for (const w of ['-inf', '-Infinity', '-INF']) {
      const n = numberOf(`x: ${w}`);
      assert.equal(n.value, -Infinity, w);
      assert.equal(n.raw, w);
      assert.equal(n.isInteger, false);
      assert.deepEqual(n.span, { start: 3, end: 3 + w.length });
    }
    assert.ok(Number.isNaN(numberOf('x: nan').value));
    assert.ok(Number.isNaN(numberOf('x: NaN').value));
  });

  it('accepts a minus separated from its number by spaces', () => {
    const n = numberOf('x: - 5');
    assert.equal(n.value, -5);
    assert.equal(n.raw, '-5');
    assert.deepEqual(n.span, { start: 3, end: 6 });
  });

  it('keeps the exact text of integers beyond double precision', () => {
    const n = numberOf('x: 123456789012345678901');
    assert.equal(n.raw, '123456789012345678901');
    assert.equal(n.isInteger, true);
  });
});

describe('parser: identifiers', () => {
  it('reads enum values and booleans as identifiers', () => {
    for (const w of ['MAX', 'TRAIN', 'true', 'false', 'True', 'LMDB', 'a_b9']) {
      const v = valueOf(`x: ${w}`);
      assert.equal(v.kind, 'identifier');
      assert.equal(v.value, w);
    }
  });

  it('does not take identifiers that merely start like inf or nan for numbers', () => {
    for (const w of ['info', 'nano', 'infinite', 'inf_']) assert.equal(valueOf(`x: ${w}`).kind, 'identifier', w);
  });
});

describe('parser: fields and messages', () => {
  it('gives exact spans for names, values and fields', () => {
    const text = '  name: "conv1"  # the first\nnum_output: 64';
    const doc = parseOk(text);
    const [name, num] = doc.root.fields;
    assert.equal(at(text, name.nameSpan), 'name');
    assert.equal(at(text, name.span), 'name: "conv1"');
    assert.equal(at(text, name.value!.span), '"conv1"');
    assert.equal(name.hasColon, true);
    assert.equal(at(text, num.span), 'num_output: 64');
    assert.deepEqual(doc.comments, [{ text: ' the first', span: { start: 17, end: 28 } }]);
    assert.deepEqual(doc.root.span, { start: 0, end: text.length });
  });

  it('reads messages written with {}, : {} and < >', () => {
    for (const [text, colon] of [
      ['m { a: 1 }', false],
      ['m: { a: 1 }', true],
      ['m < a: 1 >', false],
      ['m: < a: 1 >', true],
    ] as const) {
      const doc = parseOk(text);
      const f = doc.root.fields[0];
      assert.equal(f.hasColon, colon, text);
      const m = f.value as MessageValue;
      assert.equal(m.kind, 'message');
      assert.equal(m.closed, true);
      assert.deepEqual(m.span, { start: text.search(/[{<]/), end: text.length });
      assert.deepEqual(f.span, { start: 0, end: text.length });
      assert.deepEqual(plainFields(m), [['a', { number: '1', raw: '1', int: true }]]);
    }
  });

  it('nests messages and keeps repeated fields in order', () => {
    const text = 'layer {\n  name: "a"\n  param { lr_mult: 1 }\n  param { lr_mult: 2 }\n}\nlayer { name: "b" }\n';
    const doc = parseOk(text);
    assert.deepEqual(
      doc.root.fields.map((f) => f.name),
      ['layer', 'layer'],
    );
    const first = doc.root.fields[0].value as MessageValue;
    assert.deepEqual(
      first.fields.map((f) => f.name),
      ['name', 'param', 'param'],
    );
    const p2 = first.fields[2];
    assert.equal(at(text, p2.span), 'param { lr_mult: 2 }');
    assert.equal(at(text, doc.root.fields[0].span), text.slice(0, text.indexOf('\nlayer {')));
  });

  it('accepts empty messages and an empty document', () => {
    const m = valueOf('m {}') as MessageValue;
    assert.deepEqual(m.fields, []);
    assert.deepEqual(m.span, { start: 2, end: 4 });
    for (const t of ['', '   \n\t', '# only a comment\n']) {
      const doc = parseOk(t);
      assert.deepEqual(doc.root.fields, []);
    }
  });

  it('accepts , and ; after fields', () => {
    const text = 'a: 1, b: "x"; c { d: 2; }, e: E;';
    const doc = parseOk(text);
    assert.deepEqual(
      doc.root.fields.map((f) => f.name),
      ['a', 'b', 'c', 'e'],
    );
    assert.equal(at(text, doc.root.fields[0].span), 'a: 1', 'the separator is not part of the field');
    assert.equal(at(text, doc.root.fields[2].span), 'c { d: 2; }');
  });

  it('reads fields packed on one line without separators', () => {
    const doc = parseOk('shape { dim: 1 dim: 3 dim: 32 dim: 32 }');
    const shape = doc.root.fields[0].value as MessageValue;
    assert.deepEqual(
      shape.fields.map((f) => f.value!.kind === 'number' && f.value!.value),
      [1, 3, 32, 32],
    );
  });

  it('reads extension and Any field names in brackets', () => {
    const text = '[foo.bar.ext]: 5\n[type.googleapis.com/pkg.Msg] { a: 1 }';
    const doc = parseOk(text);
    assert.deepEqual(
      doc.root.fields.map((f) => f.name),
      ['[foo.bar.ext]', '[type.googleapis.com/pkg.Msg]'],
    );
    assert.equal(at(text, doc.root.fields[0].nameSpan), '[foo.bar.ext]');
  });

  it('tolerates a byte-order mark and CRLF line breaks', () => {
    const text = '\ufeffa: 1\r\nb: 2\r\n';
    const doc = parseOk(text);
    assert.deepEqual(
      doc.root.fields.map((f) => at(text, f.span)),
      ['a: 1', 'b: 2'],
    );
  });

  it('collects comments without their line break, anywhere in the text', () => {
    const text = '# top\r\nm { # open\n  a: 1 # after\n} #end';
    const doc = parseOk(text);
    assert.deepEqual(
      doc.comments.map((c) => c.text),
      [' top', ' open', ' after', 'end'],
    );
    for (const c of doc.comments) assert.equal(at(text, c.span), `#${c.text}`);
  });
});

describe('parser: lists', () => {
  it('reads scalar lists with exact item spans', () => {
    const text = 'mean_value: [103.94, 116.78,123.68]';
    const doc = parseOk(text);
    const f = doc.root.fields[0];
    const list = f.value!;
    assert.equal(list.kind, 'list');
    assert.deepEqual(
      list.items.map((i) => i.kind === 'number' && i.value),
      [103.94, 116.78, 123.68],
    );
    assert.deepEqual(
      list.items.map((i) => at(text, i.span)),
      ['103.94', '116.78', '123.68'],
    );
    assert.equal(at(text, list.span), '[103.94, 116.78,123.68]');
    assert.equal(at(text, f.span), text);
  });

  it('reads empty lists, string lists and enum lists', () => {
    assert.deepEqual((valueOf('a: []') as { items: unknown[] }).items, []);
    const strings = valueOf('a: ["x", \'y\' "z"]');
    assert.equal(strings.kind, 'list');
    assert.deepEqual(
      strings.items.map((i) => i.kind === 'string' && i.value),
      ['x', 'yz'],
    );
    const enums = valueOf('a: [TRAIN, TEST, -inf]');
    assert.equal(enums.kind, 'list');
    assert.deepEqual(
      enums.items.map((i) => i.kind),
      ['identifier', 'identifier', 'number'],
    );
  });

  it('reads lists of messages, with or without colon', () => {
    for (const text of ['m: [{ a: 1 }, < a: 2 >]', 'm [{ a: 1 }, < a: 2 >]']) {
      const list = parseOk(text).root.fields[0].value!;
      assert.equal(list.kind, 'list');
      assert.deepEqual(
        list.items.map((i) => i.kind === 'message' && plainFields(i)),
        [[['a', { number: '1', raw: '1', int: true }]], [['a', { number: '2', raw: '2', int: true }]]],
      );
      assert.equal(at(text, list.items[1].span), '< a: 2 >');
    }
  });
});

describe('parser: real-world layouts', () => {
  it('reads a V1 net with input_dim and layers', () => {
    const text =
      'name: "LeNet"\ninput: "data"\ninput_dim: 64\ninput_dim: 1\nlayers {\n  name: "conv1"\n  type: CONVOLUTION\n  blobs_lr: 1.\n}\n';
    const doc = parseOk(text);
    assert.deepEqual(
      doc.root.fields.map((f: Field) => f.name),
      ['name', 'input', 'input_dim', 'input_dim', 'layers'],
    );
    const layers = doc.root.fields[4].value as MessageValue;
    const lr = layers.fields[2].value as NumberValue;
    assert.equal(lr.raw, '1.');
    assert.equal(lr.isInteger, false);
  });
});
