// Syntax errors: clear messages, exact spans, and recovery that keeps the rest of the file.
import { strict as assert } from 'assert';
import type { MessageValue, ParsedDocument } from '../../../server/src/text/ast';
import { parse } from '../../../server/src/text/parser';
import { at, corpusFiles, spanProblems } from './tree-helpers';

/** Errors as [message, covered text] pairs. */
function errorsOf(text: string): Array<[string, string]> {
  const doc = parse(text);
  assert.deepEqual(spanProblems(doc, text.length), []);
  return doc.errors.map((e) => [e.message, at(text, e.span)]);
}

function names(doc: ParsedDocument): string[] {
  return doc.root.fields.map((f) => f.name);
}

describe('parser: errors and recovery', () => {
  it('reports a missing colon before a scalar and still reads the value', () => {
    const doc = parse('num_output 64\nbias_term: false');
    assert.deepEqual(
      doc.errors.map((e) => e.message),
      ["expected ':' between field name 'num_output' and its value"],
    );
    assert.deepEqual(doc.errors[0].span, { start: 0, end: 10 });
    const v = doc.root.fields[0].value;
    assert.equal(v?.kind === 'number' && v.value, 64);
    assert.deepEqual(names(doc), ['num_output', 'bias_term']);
  });

  it('reports a field name with nothing after it', () => {
    const text = 'layer {\n  name\n  type: "ReLU"\n}';
    assert.deepEqual(errorsOf(text), [["expected ':' or '{' after field name 'name'", 'name']]);
    const layer = parse(text).root.fields[0].value as MessageValue;
    assert.deepEqual(
      layer.fields.map((f) => [f.name, f.value?.kind]),
      [
        ['name', undefined],
        ['type', 'string'],
      ],
    );
  });

  it('reports a colon with no value and reads the next field', () => {
    const text = 'name:\ntype: "ReLU"';
    assert.deepEqual(errorsOf(text), [["expected a value after 'name:' but found 'type'", 'name:']]);
    assert.deepEqual(names(parse(text)), ['name', 'type']);
    assert.deepEqual(errorsOf('a: }'), [
      ["expected a value after 'a:' but found '}'", 'a:'],
      ["unexpected '}': there is no open '{' to close", '}'],
    ]);
  });

  it('reports an unterminated string up to the end of its line', () => {
    const text = 'name: "conv1\ntype: "ReLU"';
    assert.deepEqual(errorsOf(text), [['unterminated string (missing closing quote before the end of the line)', '"conv1']]);
    const doc = parse(text);
    assert.deepEqual(names(doc), ['name', 'type']);
    assert.equal(doc.root.fields[0].value?.kind === 'string' && doc.root.fields[0].value.value, 'conv1');
    assert.deepEqual(errorsOf('a: "abc'), [['unterminated string (missing closing quote before the end of the line)', '"abc']]);
  });

  it('reports bad escapes with the escape span', () => {
    assert.deepEqual(errorsOf(String.raw`a: "x\qy"`), [[String.raw`unknown escape sequence '\q'`, String.raw`\q`]]);
    assert.deepEqual(errorsOf(String.raw`a: "\xg"`), [[String.raw`invalid escape '\x': expected 1 or 2 hex digits`, String.raw`\x`]]);
    assert.deepEqual(errorsOf(String.raw`a: "\u12"`), [[String.raw`invalid escape '\u': expected 4 hex digits`, String.raw`\u12`]]);
    assert.deepEqual(errorsOf(String.raw`a: "\777"`), [[String.raw`invalid escape '\777': octal value above \377`, String.raw`\777`]]);
  });

  it('reports malformed numbers and leaves the value out', () => {
    assert.deepEqual(errorsOf('a: 12abc'), [["invalid number '12abc'", '12abc']]);
    assert.deepEqual(errorsOf('a: 1e'), [["invalid number '1e'", '1e']]);
    assert.deepEqual(errorsOf('a: 0x'), [["invalid number '0x'", '0x']]);
    assert.deepEqual(errorsOf('a: 09'), [["invalid octal number '09' (a leading 0 means octal)", '09']]);
    assert.deepEqual(errorsOf('a: - foo'), [["expected a number after '-' but found 'foo'", '- foo']]);
    assert.deepEqual(errorsOf('a: -'), [["expected a number after '-'", '-']]);
    assert.equal(parse('a: 12abc').root.fields[0].value, undefined);
  });

  it('closes unclosed messages at the end and says where they opened', () => {
    const text = 'name: "net"\nlayer {\n  name: "a"\n  param {\n    lr_mult: 1\n';
    assert.deepEqual(errorsOf(text), [
      ["missing '}' to close 'layer' opened at line 2", 'layer {'],
      ["missing '}' to close 'param' opened at line 4", 'param {'],
    ]);
    const layer = parse(text).root.fields[1].value as MessageValue;
    assert.equal(layer.closed, false);
    assert.equal(at(text, layer.span), text.slice(text.indexOf('{'), text.lastIndexOf('1') + 1));
    const param = layer.fields[1].value as MessageValue;
    assert.deepEqual(
      param.fields.map((f) => f.name),
      ['lr_mult'],
    );
  });

  it('reports stray and mismatched closers', () => {
    assert.deepEqual(errorsOf('a: 1 } b: 2'), [["unexpected '}': there is no open '{' to close", '}']]);
    assert.deepEqual(names(parse('a: 1 } b: 2')), ['a', 'b']);
    assert.deepEqual(errorsOf('m { a: 1 > b: 2'), [["expected '}' to close 'm' but found '>'", '>']]);
    assert.deepEqual(names(parse('m { a: 1 > b: 2')), ['m', 'b']);
  });

  it('skips a bad token and resumes at the next field', () => {
    const text = 'a: 1\n: 5 "x" \nb: 2\n@ c: 3';
    assert.deepEqual(errorsOf(text), [
      ["expected a field name but found ':'", ':'],
      ["unexpected character '@'", '@'],
    ]);
    assert.deepEqual(names(parse(text)), ['a', 'b', 'c']);
    assert.deepEqual(errorsOf('a: 1,, b: 2'), [["unexpected ',': a separator must follow a field", ',']]);
    assert.deepEqual(errorsOf('a: 1 \u0001'), [['unexpected character U+0001', '\u0001']]);
    assert.deepEqual(errorsOf('a:\u00a01'), [
      ["expected a value after 'a:' but found '\u00a0' (U+00A0)", 'a:'],
      ["unexpected character '\u00a0' (U+00A0)", '\u00a0'],
    ]);
  });

  it('parses a block without a field name as a unit and leaves it out', () => {
    const text = '{ a: 1 } b: 2';
    assert.deepEqual(errorsOf(text), [["expected a field name before '{'", '{']]);
    assert.deepEqual(names(parse(text)), ['b']);
  });

  it('reports list problems', () => {
    assert.deepEqual(errorsOf('a: [1, 2'), [["missing ']' to close the list of 'a' opened at line 1", '[']]);
    assert.deepEqual(errorsOf('a: [1 2]'), [["expected ',' or ']' between the values of 'a'", '2']]);
    assert.deepEqual(errorsOf('a: [1,]'), [["expected a value after ',' in the list of 'a'", ']']]);
    assert.deepEqual(errorsOf('a [1, 2]'), [["expected ':' between field name 'a' and its list of values", 'a']]);
    const unclosed = parse('a: [1, 2\nb: 3');
    assert.deepEqual(names(unclosed), ['a', 'b']);
    const list = unclosed.root.fields[0].value;
    assert.equal(list?.kind === 'list' && list.items.length, 2);
  });

  it('reports a bad extension name', () => {
    assert.deepEqual(errorsOf('[foo: 1'), [["expected an extension name and ']' after '['", '[foo']]);
  });

  it('keeps every later layer of a real file after one bad token', () => {
    const file = corpusFiles().find((f) => f.name === 'resnet50.prototxt')!;
    const clean = parse(file.text);
    const at1 = file.text.indexOf('kernel_size: 3');
    const broken = `${file.text.slice(0, at1)}kernel_size 3 3 ${file.text.slice(at1 + 'kernel_size: 3'.length)}`;
    const doc = parse(broken);
    assert.equal(doc.errors.length, 2, doc.errors.map((e) => e.message).join('; '));
    assert.equal(doc.root.fields.length, clean.root.fields.length);
    assert.deepEqual(
      doc.root.fields.slice(-5).map((f) => f.span.start - broken.length),
      clean.root.fields.slice(-5).map((f) => f.span.start - file.text.length),
    );
  });

  it('survives very deep nesting without recursion and closes every level', function () {
    this.timeout(30_000); // the machine is shared; this normally takes well under a second
    const depth = 30_000; // far beyond what a recursive parser's call stack survives
    const text = 'a {'.repeat(depth);
    const doc = parse(text);
    assert.equal(doc.errors.length, depth);
    assert.match(doc.errors[depth - 1].message, /^missing '}' to close 'a' opened at line 1$/);
    let m: MessageValue = doc.root;
    let levels = 0;
    while (m.fields.length > 0) {
      m = m.fields[0].value as MessageValue;
      levels++;
    }
    assert.equal(levels, depth);
    const balanced = parse(`${'a {'.repeat(depth)}${'}'.repeat(depth)}`);
    assert.deepEqual(balanced.errors, []);
  });

  it('never throws, whatever it is given', () => {
    const inputs = [
      '\u0000',
      '"',
      "'",
      '\\',
      '{{{{',
      '}}}}',
      ']]',
      '[[',
      '-',
      '- -',
      '0x',
      '.',
      '..5',
      '#',
      '\ud800',
      'a:[{',
      'a:[{]}',
      'a<}',
    ];
    for (const input of inputs) {
      const doc = parse(input);
      assert.deepEqual(spanProblems(doc, input.length), [], input);
    }
    // A non-string from a careless caller yields a document, not an exception.
    assert.deepEqual(parse(undefined as unknown as string).root.fields, []);
  });
});
