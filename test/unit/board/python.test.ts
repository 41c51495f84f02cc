// Runs the Python unit tests of the agent and the emulator (test/board-py), one mocha test per file.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from './helpers';

const DIR = path.join(REPO, 'test', 'board-py');

describe('board: Python unit tests (test/board-py)', function () {
  this.timeout(60000);
  const files = fs
    .readdirSync(DIR)
    .filter((f) => /^test_.*\.py$/.test(f))
    .sort();

  it('finds the Python test files', () => {
    assert.ok(files.length >= 3, `only ${files.length} files`);
  });

  for (const file of files) {
    it(file, () => {
      const r = spawnSync('python3', ['-m', 'unittest', '-v', file.replace(/\.py$/, '')], { cwd: DIR, encoding: 'utf8' });
      const summary = r.stderr
        .split('\n')
        .filter((l) => /^(Ran|OK|FAILED)/.test(l))
        .join(' ');
      assert.equal(r.status, 0, `${file}: ${summary}\n${r.stderr.slice(-4000)}`);
      assert.match(r.stderr, /Ran [1-9]\d* tests?/);
    });
  }
});
