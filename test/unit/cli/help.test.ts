// Every command answers --help (exit 0, its own usage on stdout) and the top-level usage lists every
// command and every option any command takes.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { COMMANDS, HELP, usage } from '../../../server/src/cli/commands';
import { REPO } from '../campaigns/helpers';

const TSX = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
const CLI = path.join(REPO, 'server', 'src', 'cli', 'energy-lens.ts');

describe('cli: --help and the usage text', () => {
  it('each command has its usage, and the top-level usage names every command and option', () => {
    const top = usage();
    for (const name of Object.keys(COMMANDS)) {
      assert.ok(HELP[name]?.includes(`energy-lens ${name}`), `${name} has a usage`);
      assert.ok(top.includes(`  ${name} `), `${name} listed`);
      for (const flag of HELP[name].match(/--[a-z][a-z-]*/g) ?? []) assert.ok(top.includes(flag), `${name} ${flag} in the top-level usage`);
    }
  });

  it("energy-lens <command> --help prints that command's usage and exits 0", function () {
    this.timeout(30000);
    for (const name of ['fit', 'profile', 'check']) {
      const out = execFileSync(
        process.execPath,
        ['--require', TSX, '--require', path.join(REPO, 'test', 'unit', 'setup.js'), CLI, name, '--help'],
        { encoding: 'utf8' },
      );
      assert.ok(out.startsWith(`usage: energy-lens ${name}`), out);
    }
  });
});
