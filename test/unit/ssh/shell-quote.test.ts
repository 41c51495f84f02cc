import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import fc from 'fast-check';
import { buildCommand, shellQuote } from '../../../client/src/board/ssh/shell-quote';

// What a real POSIX shell (/bin/sh: dash on Debian, the strictest common one) makes of the command.
function argvSeenByShell(args: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', buildCommand(['printf', '%s\\0', ...args])], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const shellHostile = fc.string({
  unit: fc.constantFrom(
    "'",
    '"',
    '\\',
    '$',
    '`',
    ' ',
    '\t',
    '\n',
    '*',
    '?',
    '~',
    '!',
    '#',
    ';',
    '&',
    '|',
    '=',
    '-',
    '(',
    ')',
    '{',
    '}',
    '<',
    '>',
    '%',
    'a',
    'é',
    '字',
    '😀',
  ),
});
// Any well-formed Unicode except NUL (which no shell argument can hold).
const anyText = fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0'));

describe('shell quoting', () => {
  it('round-trips arbitrary argument lists through a real sh -c unchanged', function () {
    this.timeout(30000);
    fc.assert(
      fc.property(fc.array(fc.oneof(shellHostile, anyText), { minLength: 1, maxLength: 8 }), (args) => {
        assert.deepStrictEqual(argvSeenByShell(args), args);
      }),
      { numRuns: 40 },
    );
  });

  it('round-trips arbitrary env values through a real sh -c unchanged', function () {
    this.timeout(30000);
    fc.assert(
      fc.property(fc.oneof(shellHostile, anyText), (value) => {
        const cmd = buildCommand(['printenv', 'EL_VALUE'], { EL_VALUE: value });
        const out = execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
        assert.strictEqual(out, value + '\n');
      }),
      { numRuns: 30 },
    );
  });

  it('leaves plain words readable and quotes the rest', () => {
    assert.strictEqual(shellQuote('caffe'), 'caffe');
    assert.strictEqual(shellQuote('/opt/caffe/build/tools/caffe'), '/opt/caffe/build/tools/caffe');
    assert.strictEqual(shellQuote(''), "''");
    assert.strictEqual(shellQuote("it's"), `'it'\\''s'`);
    assert.strictEqual(shellQuote('--model=a b'), `'--model=a b'`);
  });

  it('keeps a reserved word or an assignment-like word in command position a command', () => {
    for (const word of ['if', '!', 'A=b']) {
      const r = spawnSync('/bin/sh', ['-c', buildCommand([word])], { encoding: 'utf8' });
      // 127 = "command not found": the shell looked for a program, it did not parse syntax.
      assert.strictEqual(r.status, 127, `${word}: ${r.stderr}`);
    }
  });

  it('refuses invalid env names and NUL characters with a clear message', () => {
    assert.throws(() => buildCommand(['true'], { 'A-B': 'x' }), /Invalid environment variable name: "A-B"/);
    assert.throws(() => buildCommand(['true'], { '1A': 'x' }), /Invalid environment variable name/);
    assert.throws(() => shellQuote('a\0b'), /NUL/);
    assert.throws(() => buildCommand([]), /at least the program name/);
  });
});
