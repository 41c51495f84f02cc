// Property-based tests: real corpus files mutated at random (characters, whole tokens, truncation).
// The parser must always return a document with sane spans; text made invalid by construction
// must get at least one error; and recovery must keep the top-level structure around one stray
// token. Sizes and run counts are bounded so the suite stays fast on a shared machine.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { parse } from '../../../server/src/text/parser';
import { formatDocument } from '../../../server/src/text/printer';
import { corpusFiles, plainFields, spanProblems } from './tree-helpers';

// Rough tokens of prototxt: names, numbers, strings, comments, single punctuation. Each branch
// consumes a distinct first character, so matching is linear.
const TOKEN = /[A-Za-z_]\w*|-?\.?\d[\w.+-]*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|#[^\n]*|\S/g;

function tokens(text: string): Array<{ start: number; end: number }> {
  return [...text.matchAll(TOKEN)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

const SYNTAX_CHARS = [...'{}[]<>:;,"\'#\\-.0123456789xeEfn \n\t'];
const anyChar = fc.oneof(
  fc.constantFrom(...SYNTAX_CHARS),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
);

type Mutation =
  | { op: 'delete' | 'swap' | 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'deleteToken' | 'duplicateToken'; at: number }
  | { op: 'swapTokens'; at: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete' as const, 'swap' as const, 'truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(anyChar, fc.constantFrom('{', '}', ':', '"', "'", '[', ']', '<', '#', '-', 'x: ', '\\')),
  }),
  fc.record({ op: fc.constantFrom('deleteToken' as const, 'duplicateToken' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swapTokens' as const), at: fc.nat(), other: fc.nat() }),
);

function applyMutation(text: string, m: Mutation): string {
  if (text.length === 0) return m.op === 'insert' ? m.text : text;
  const i = m.at % text.length;
  switch (m.op) {
    case 'delete':
      return text.slice(0, i) + text.slice(i + 1);
    case 'swap':
      return i + 1 < text.length ? text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2) : text;
    case 'truncate':
      return text.slice(0, i);
    case 'insert':
      return text.slice(0, i) + m.text + text.slice(i);
    default: {
      const toks = tokens(text);
      if (toks.length === 0) return text;
      const t = toks[m.at % toks.length];
      const s = text.slice(t.start, t.end);
      if (m.op === 'deleteToken') return text.slice(0, t.start) + text.slice(t.end);
      if (m.op === 'duplicateToken') return `${text.slice(0, t.end)} ${s}${text.slice(t.end)}`;
      if (m.op !== 'swapTokens') return text;
      const u = toks[m.other % toks.length];
      if (u.start <= t.start) return text;
      return text.slice(0, t.start) + text.slice(u.start, u.end) + text.slice(t.end, u.start) + s + text.slice(u.end);
    }
  }
}

const files = corpusFiles();
const smallFiles = files.filter((f) => f.text.length <= 12_000);

/** A window of up to ~3000 characters of a corpus file, starting at a line start. */
const corpusWindow = fc.record({ file: fc.nat(), from: fc.nat(), size: fc.integer({ min: 1, max: 3000 }) }).map(({ file, from, size }) => {
  const text = files[file % files.length].text;
  let start = from % text.length;
  start = text.lastIndexOf('\n', start) + 1;
  return text.slice(start, start + size);
});

function assertSane(text: string): ReturnType<typeof parse> {
  const doc = parse(text);
  assert.ok(doc && doc.root && Array.isArray(doc.errors) && Array.isArray(doc.comments));
  assert.deepEqual(spanProblems(doc, text.length), []);
  for (const e of doc.errors) assert.ok(e.message.length > 0);
  return doc;
}

describe('parser: property-based robustness', function () {
  this.timeout(60_000);

  it('returns a document with spans inside the text for any mutation of a real file', () => {
    fc.assert(
      fc.property(corpusWindow, fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, muts) => {
        const text = muts.reduce(applyMutation, base);
        const doc = assertSane(text);
        // What the parser accepts, the printer must print into text with the same meaning.
        if (doc.errors.length === 0) {
          const formatted = formatDocument(text, doc);
          const again = parse(formatted);
          assert.deepEqual(again.errors, []);
          assert.deepEqual(plainFields(again.root), plainFields(doc.root));
          assert.equal(formatDocument(formatted, again), formatted);
        } else {
          assert.equal(formatDocument(text, doc), text);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('formats any re-laid-out real file idempotently, keeping its tree and comments', () => {
    // Whitespace, comments and separators inserted between tokens keep a file valid.
    const layout = fc.constantFrom(' ', '\n', '\n\n\n', '\t', '\r\n', ' # note\n', '\n  # own line\n\n', '#\n');
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.record({ point: fc.nat(), text: layout }), { minLength: 1, maxLength: 12 }), (file, edits) => {
        const { text } = smallFiles[file % smallFiles.length];
        const starts = tokens(text).map((t) => t.start);
        const points = [...new Set(edits.map((e) => starts[e.point % starts.length]))].sort((a, b) => b - a);
        let mutated = text;
        points.forEach((at, i) => {
          mutated = mutated.slice(0, at) + edits[i].text + mutated.slice(at);
        });
        const doc = assertSane(mutated);
        assert.deepEqual(doc.errors, []);
        const formatted = formatDocument(mutated, doc);
        assert.equal(formatDocument(formatted), formatted);
        const again = parse(formatted);
        assert.deepEqual(plainFields(again.root), plainFields(parse(text).root));
        assert.deepEqual(
          again.comments.map((c) => c.text.trimEnd()),
          doc.comments.map((c) => c.text.trimEnd()),
        );
      }),
      { numRuns: 80 },
    );
  });

  it('an unclosed extension name at the end of an unclosed message stays inside it (fixed repros)', () => {
    // Found by the property below (seed 202735444): the message closed at the end of the text ended
    // before the blanks the extension name had read, so the field lay outside its message.
    for (const text of ['E{[\t', 'E{[ ', 'a{[x', 'a { [ x y ']) {
      const doc = assertSane(text);
      assert.ok(
        doc.errors.some((e) => /extension name/.test(e.message)),
        `${JSON.stringify(text)}: the error is reported`,
      );
    }
  });

  it('returns a document for arbitrary strings of syntax characters', () => {
    fc.assert(
      fc.property(
        fc.array(anyChar, { maxLength: 200 }).map((cs) => cs.join('')),
        (text) => {
          assertSane(text);
        },
      ),
      { numRuns: 400 },
    );
  });

  describe('invalid by construction: at least one error', () => {
    const fileAndPoint = fc.record({ file: fc.nat(), point: fc.nat() });

    it('an unmatched "{" inserted between tokens', () => {
      fc.assert(
        fc.property(fileAndPoint, ({ file, point }) => {
          const { text } = smallFiles[file % smallFiles.length];
          const toks = tokens(text);
          const at = point % (toks.length + 1) === toks.length ? text.length : toks[point % (toks.length + 1)].start;
          const broken = `${text.slice(0, at)}{ ${text.slice(at)}`;
          const doc = assertSane(broken);
          assert.ok(doc.errors.length > 0, `no error after inserting '{' at ${at}`);
        }),
        { numRuns: 60 },
      );
    });

    it('a stray ":" before a token: reported, and the top-level fields survive', () => {
      fc.assert(
        fc.property(fileAndPoint, ({ file, point }) => {
          const { text } = smallFiles[file % smallFiles.length];
          // Before `{`, `<` or `[` a colon is legal (`name: { ... }`), so those places are skipped.
          const places = tokens(text)
            .filter((t) => !'{<['.includes(text[t.start]))
            .map((t) => t.start);
          places.push(text.length);
          const at = places[point % places.length];
          const broken = `${text.slice(0, at)}: ${text.slice(at)}`;
          const doc = assertSane(broken);
          assert.ok(doc.errors.length > 0, `no error after inserting ':' at ${at}`);
          assert.deepEqual(
            doc.root.fields.map((f) => f.name),
            parse(text).root.fields.map((f) => f.name),
          );
        }),
        { numRuns: 60 },
      );
    });

    it('an unterminated quote at the end of a line', () => {
      fc.assert(
        fc.property(fileAndPoint, fc.constantFrom('"', "'"), ({ file, point }, quote) => {
          const { text } = smallFiles[file % smallFiles.length];
          const lineEnds: number[] = [];
          for (const m of text.matchAll(/[^\n#]*\n/g)) {
            // Lines without a comment; the quote goes just before the line break.
            if (m.index === 0 || text[m.index - 1] === '\n') lineEnds.push(m.index + m[0].length - 1);
          }
          const at = lineEnds[point % lineEnds.length];
          const broken = `${text.slice(0, at)}${quote}${text.slice(at)}`;
          const doc = assertSane(broken);
          assert.ok(
            doc.errors.some((e) => e.message.startsWith('unterminated string')),
            `no error for a quote at ${at}`,
          );
          assert.deepEqual(
            doc.root.fields.map((f) => f.name),
            parse(text).root.fields.map((f) => f.name),
          );
        }),
        { numRuns: 60 },
      );
    });

    it('random truncation inside a message', () => {
      fc.assert(
        fc.property(fileAndPoint, ({ file, point }) => {
          const { text } = smallFiles[file % smallFiles.length];
          const doc = parse(text);
          const inner = doc.root.fields.filter((f) => f.value?.kind === 'message');
          const f = inner[point % inner.length];
          // Cut strictly inside the braces: the message can no longer be closed.
          const open = f.value!.span.start;
          const cut = open + 1 + (point % Math.max(1, f.span.end - open - 1));
          const broken = text.slice(0, cut);
          const after = assertSane(broken);
          assert.ok(after.errors.length > 0, `no error after truncating at ${cut}`);
        }),
        { numRuns: 60 },
      );
    });
  });
});
