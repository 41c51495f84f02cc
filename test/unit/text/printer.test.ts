// The canonical printer: exact output for each construct, comment placement, idempotence and
// meaning preservation on the real corpus.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { parse } from '../../../server/src/text/parser';
import { formatDocument, formatScalar, printTree, quoteString, type PrintNode } from '../../../server/src/text/printer';
import { corpusFiles, plainFields } from './tree-helpers';

/** Lines joined with \n plus the final newline. */
function lines(...ls: string[]): string {
  return `${ls.join('\n')}\n`;
}

describe('printer: printTree', () => {
  it('prints scalars, nested messages and comments in the house style', () => {
    const nodes: PrintNode[] = [
      { name: 'name', value: '"net"', leadingComments: ['decoded from net.caffemodel'] },
      {
        name: 'layer',
        openComment: '# 3 blobs',
        value: [
          { name: 'name', value: '"conv1"', trailingComment: 'first' },
          { name: 'blobs', value: [{ name: 'shape', value: [{ name: 'dim', value: '64' }] }] },
        ],
        closingComments: ['# end of conv1'],
      },
      { name: 'layer', value: [], leadingComments: ['', 'second\nline two'] },
    ];
    assert.equal(
      printTree(nodes, ['#tail']),
      lines(
        '# decoded from net.caffemodel',
        'name: "net"',
        'layer {  # 3 blobs',
        '  name: "conv1"  # first',
        '  blobs {',
        '    shape {',
        '      dim: 64',
        '    }',
        '  }',
        '  # end of conv1',
        '}',
        '',
        '# second',
        '# line two',
        'layer {',
        '}',
        '#tail',
      ),
    );
  });

  it('never starts a block or the text with a blank line, nor ends one with it, and collapses runs', () => {
    const nodes: PrintNode[] = [
      { name: 'a', value: '1', leadingComments: ['', ''] },
      { name: 'm', value: [{ name: 'b', value: '2', leadingComments: [''] }], closingComments: [''] },
      { name: 'c', value: '3', leadingComments: ['', '', ''] },
    ];
    assert.equal(printTree(nodes, ['']), lines('a: 1', 'm {', '  b: 2', '}', '', 'c: 3'));
  });

  it('prints lists of messages one item per line', () => {
    const nodes: PrintNode[] = [{ name: 'm', value: [], listItems: ['1', [{ name: 'a', value: '2' }], []] }];
    assert.equal(printTree(nodes), lines('m: [', '  1,', '  {', '    a: 2', '  },', '  {', '  }', ']'));
  });

  it('prints nothing for nothing', () => {
    assert.equal(printTree([]), '');
  });
});

describe('printer: literals', () => {
  it('quotes strings with escapes that parse back to the same value', () => {
    assert.equal(quoteString('plain'), '"plain"');
    assert.equal(quoteString('a"b\\c\nd\te\r'), String.raw`"a\"b\\c\nd\te\r"`);
    assert.equal(quoteString('\x00\x1f\x7f1'), String.raw`"\000\037\1771"`);
    assert.equal(quoteString("it's é"), `"it's é"`);
  });

  it('round-trips any string through quoteString and the parser', () => {
    // Characters that need escaping, non-ASCII, lone surrogates, and any UTF-16 unit (built from
    // code units: fast-check's full-Unicode string generator is slow on a shared machine).
    const char = fc.oneof(
      fc.constantFrom('"', "'", '\\', '\n', '\r', '\t', '\x00', '\x7f', '#', 'é', '😀', '\ud800', '\x41'),
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 30 }).map((cs) => cs.join('')),
        (s) => {
          const doc = parse(`x: ${quoteString(s)}`);
          assert.deepEqual(doc.errors, []);
          const v = doc.root.fields[0].value;
          assert.equal(v?.kind, 'string');
          assert.equal(v.value, s);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('formats scalars: strings quoted, numbers as written, identifiers as is', () => {
    const doc = parse(`a: 'x"y' b: 1.50 c: 0x1F d: -Inf e: MAX`);
    assert.deepEqual(
      doc.root.fields.map((f) => f.value && f.value.kind !== 'message' && f.value.kind !== 'list' && formatScalar(f.value)),
      ['"x\\"y"', '1.50', '0x1F', '-Inf', 'MAX'],
    );
  });
});

describe('printer: formatDocument', () => {
  it('normalises layout, braces, quotes and lists', () => {
    const input = `name:'net'  input_param{shape:{dim:1 dim:3}};layer <name:"a\\"b" type: 'Con\\'v' blobs_lr: 1. >
mean_value:[1,2 ,3]\tm [{a:1},{b:2}]`;
    assert.equal(
      formatDocument(input),
      lines(
        'name: "net"',
        'input_param {',
        '  shape {',
        '    dim: 1',
        '    dim: 3',
        '  }',
        '}',
        'layer {',
        '  name: "a\\"b"',
        '  type: "Con\'v"',
        '  blobs_lr: 1.',
        '}',
        'mean_value: [1, 2, 3]',
        'm: [',
        '  {',
        '    a: 1',
        '  },',
        '  {',
        '    b: 2',
        '  }',
        ']',
      ),
    );
  });

  it('keeps escapes as written, so bytes that are not UTF-8 survive', () => {
    assert.equal(formatDocument(String.raw`a: "\xff\101" b: 'x' "y"`), lines(String.raw`a: "\xff\101"`, 'b: "x" "y"'));
  });

  it('places comments: own-line before their field, trailing on the same line, around braces', () => {
    const input = [
      '# header',
      '',
      '',
      'name: "net"   # the name   ',
      'layer {   # conv',
      '',
      '  # own line',
      '        bottom: "data"',
      '',
      '',
      '  top: "c1" ; # after separator',
      '  # before close',
      '}  # closed',
      '# the end',
      '',
    ].join('\n');
    assert.equal(
      formatDocument(input),
      lines(
        '# header',
        '',
        'name: "net"  # the name',
        'layer {  # conv',
        '  # own line',
        '  bottom: "data"',
        '',
        '  top: "c1"  # after separator',
        '  # before close',
        '}  # closed',
        '# the end',
      ),
    );
  });

  it('moves comments from inside a value to before its field', () => {
    const input = 'a: # why\n  5\nm: [1, # one\n 2]\n';
    assert.equal(formatDocument(input), lines('# why', 'a: 5', '# one', 'm: [1, 2]'));
  });

  it('returns text with syntax errors unchanged', () => {
    for (const broken of ['layer {\n  name: "a"\n', 'a: "unterminated\n', 'a 1 b: 2', 'a: [1,,2]']) {
      assert.equal(formatDocument(broken), broken);
    }
  });

  it('ends with exactly one newline, and leaves an empty document empty', () => {
    assert.equal(formatDocument('a: 1'), 'a: 1\n');
    assert.equal(formatDocument('a: 1\n\n\n\n'), 'a: 1\n');
    assert.equal(formatDocument(''), '');
    assert.equal(formatDocument('\n\n  \n'), '');
  });

  it('does not throw on nesting deeper than the call stack allows', function () {
    this.timeout(30_000);
    const depth = 30_000;
    const text = `${'a {'.repeat(depth)}${'}'.repeat(depth)}`;
    const out = formatDocument(text);
    // Either fully formatted or left alone; never an exception, never a partial result.
    if (out !== text) assert.deepEqual(plainFields(parse(out).root), plainFields(parse(text).root));
  });

  it('uses a given parse result instead of parsing again', () => {
    const text = 'a:1';
    const doc = parse(text);
    assert.equal(formatDocument(text, doc), 'a: 1\n');
    assert.equal(formatDocument(text, { ...doc, errors: [{ message: 'x', span: { start: 0, end: 1 } }] }), text);
  });

  describe('on the real corpus', () => {
    for (const { name, text } of corpusFiles()) {
      it(`${name}: idempotent, same tree, all comments kept`, () => {
        const once = formatDocument(text);
        assert.equal(formatDocument(once), once, 'format(format(x)) == format(x)');
        assert.ok(once.endsWith('\n') && !once.endsWith('\n\n'));
        const before = parse(text);
        const after = parse(once);
        assert.deepEqual(after.errors, []);
        assert.deepEqual(plainFields(after.root), plainFields(before.root));
        assert.deepEqual(
          after.comments.map((c) => c.text.trimEnd()),
          before.comments.map((c) => c.text.trimEnd()),
        );
        for (const line of once.split('\n')) {
          assert.match(line, /^( {2})*(\S.*)?$/, 'indentation is a multiple of two spaces');
          assert.doesNotMatch(line, /\s$/, 'no trailing whitespace');
        }
      });
    }
  });
});
