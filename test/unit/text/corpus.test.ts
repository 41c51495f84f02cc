// The real corpus: every file parses cleanly, and the tree agrees with independent counts taken
// from the raw text with regular expressions.
import { strict as assert } from 'assert';
import type { MessageValue, Value } from '../../../server/src/text/ast';
import { parse } from '../../../server/src/text/parser';
import { corpusFiles, spanProblems } from './tree-helpers';

/** Values of every field called `name`, anywhere in the tree, in source order. */
function allStringsNamed(root: MessageValue, fieldName: string): string[] {
  const out: string[] = [];
  const visit = (m: MessageValue): void => {
    for (const f of m.fields) {
      if (f.name === fieldName && f.value?.kind === 'string') out.push(f.value.value);
      const v: Value | undefined = f.value;
      if (v?.kind === 'message') visit(v);
      if (v?.kind === 'list') for (const item of v.items) if (item.kind === 'message') visit(item);
    }
  };
  visit(root);
  return out;
}

describe('parser: real corpus', () => {
  const files = corpusFiles();

  it('has the corpus to test against', () => {
    assert.ok(files.length >= 30, `found ${files.length} corpus files`);
  });

  for (const { name, text } of files) {
    it(`parses ${name} with no error and consistent spans`, () => {
      const doc = parse(text);
      assert.deepEqual(doc.errors, []);
      assert.deepEqual(spanProblems(doc, text.length), []);

      // Top-level fields start at column 0 in these files; count them in the raw text.
      const topLevel = text.match(/^[A-Za-z_]\w*\s*[:{<]/gm) ?? [];
      assert.equal(doc.root.fields.length, topLevel.length);
      const layers = doc.root.fields.filter((f) => f.name === 'layer' || f.name === 'layers');
      assert.ok(layers.length > 0, 'has layers');
      assert.equal(layers.length, (text.match(/^layers?\s*\{/gm) ?? []).length);
      for (const l of layers) assert.equal(l.value?.kind, 'message');

      // Every `name: "..."` outside comments, in order, is a decoded name field of the tree.
      const withoutComments = text.replace(/#.*$/gm, '');
      const names = [...withoutComments.matchAll(/\bname:\s*"([^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual(allStringsNamed(doc.root, 'name'), names);

      // Comments: as many as lines holding a `#` (no string in the corpus contains one).
      assert.equal(doc.comments.length, text.split(/\r\n|\r|\n/).filter((l) => l.includes('#')).length);
    });
  }
});
