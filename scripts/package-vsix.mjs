// `npm run package` (after `node esbuild.mjs --production`): writes energy-lens-<version>.vsix and prints
// its budget. vsce refuses a package.json with both `files` (the npm package: the CLI) and a
// .vscodeignore (the .vsix), so the .vsix is packed from a staging folder: the files .vscodeignore
// selects, and the manifest without the npm-only fields.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = path.join(ROOT, 'out', 'vsix-stage');
const vsce = createRequire(path.join(ROOT, 'package.json'))('@vscode/vsce');

/** Budget of issue 12: the .vsix, and the bundle that activation loads. */
export const BUDGET = { vsixBytes: 1.5 * 1024 * 1024, activationBundleBytes: 400 * 1024 };

const flavour = JSON.parse(fs.readFileSync(path.join(ROOT, 'out', 'build-flavour.json'), 'utf8')).flavour;
if (flavour !== 'production') {
  console.error('package-vsix: out/ holds a test build; run `node esbuild.mjs --production` first (npm run package does).');
  process.exit(1);
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// The npm package's fields (the CLI's files and bin) and the scripts do not belong in the .vsix manifest.
const vsixManifest = { ...manifest };
for (const npmOnly of ['files', 'bin', 'scripts']) delete vsixManifest[npmOnly];

fs.rmSync(STAGE, { recursive: true, force: true });
fs.mkdirSync(STAGE, { recursive: true });
// PackageManager.None: no dependency scan, everything is bundled.
const shipped = await vsce.listFiles({ cwd: ROOT, packageManager: vsce.PackageManager.None, ignoreFile: path.join(ROOT, '.vscodeignore') });
for (const file of shipped) {
  if (file === 'package.json') continue;
  const to = path.join(STAGE, file);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(ROOT, file), to);
  fs.chmodSync(to, fs.statSync(path.join(ROOT, file)).mode & 0o777);
}
fs.writeFileSync(path.join(STAGE, 'package.json'), `${JSON.stringify(vsixManifest, null, 2)}\n`);
// Everything staged ships; vsce wants to be told so.
fs.writeFileSync(path.join(STAGE, '.vscodeignore'), '# staged by scripts/package-vsix.mjs: every file here ships\n');

const vsix = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
await vsce.createVSIX({
  cwd: STAGE,
  packagePath: vsix,
  dependencies: false,
  // The README's screenshot ships in the package (media/readme/) and stays a relative link, which
  // VS Code resolves inside the installed extension: no image host is needed.
  rewriteRelativeLinks: false,
});
fs.rmSync(STAGE, { recursive: true, force: true });

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const vsixBytes = fs.statSync(vsix).size;
const activationBytes = fs.statSync(path.join(ROOT, manifest.main)).size;
console.log(`[package] ${path.basename(vsix)}: ${kb(vsixBytes)} (budget ${kb(BUDGET.vsixBytes)}), ${shipped.length} files`);
console.log(`[package] activation bundle ${manifest.main}: ${kb(activationBytes)} (budget ${kb(BUDGET.activationBundleBytes)})`);
for (const f of fs.readdirSync(path.join(ROOT, 'out', 'client')).sort()) {
  console.log(
    `[package]   out/client/${f}: ${kb(fs.statSync(path.join(ROOT, 'out', 'client', f)).size)}${`./out/client/${f}` === manifest.main ? ' (activation)' : ' (loaded on first use)'}`,
  );
}
if (vsixBytes > BUDGET.vsixBytes || activationBytes > BUDGET.activationBundleBytes) {
  console.error('[package] over budget');
  process.exit(1);
}
