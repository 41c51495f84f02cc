// `prestart`/`pretest`: the README's commands work on a fresh clone. Runs `npm ci` when a dependency
// of package.json is not installed; otherwise returns at once. Node built-ins only (nothing is installed yet).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const wanted = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
const missing = wanted.filter((name) => !fs.existsSync(path.join(ROOT, 'node_modules', name, 'package.json')));
if (missing.length > 0) {
  console.log(
    `[deps] not installed: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}; running npm ci`,
  );
  const npm = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath, 'ci', '--no-audit', '--no-fund', '--loglevel=error']]
    : ['npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']];
  const result = spawnSync(npm[0], npm[1], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[deps] npm ci failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
    process.exit(1);
  }
}
