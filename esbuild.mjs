// Bundles every entry point of the project with esbuild: the extension client, the language
// server, the CLI, the webview script, and the test/bench programs that run outside mocha.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const listTs = (dir) => fs.existsSync(dir)
  ? fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.join(dir, f))
  : [];

const node = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: !production,
  minify: production, external: ['vscode', 'playwright-core', 'cpu-features', '*.node'], loader: { '.proto': 'text' },
  logLevel: 'warning',
};
const builds = [
  { ...node, entryPoints: { 'client/extension': 'client/src/extension.ts', 'client/refit-worker': 'client/src/panel/fit-worker.ts' } },
  { ...node, entryPoints: { 'server/server': 'server/src/server.ts' } },
  { ...node, entryPoints: { 'cli/energy-lens': 'server/src/cli/energy-lens.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: [...listTs('test/integration')], outbase: '.', external: [...node.external, 'mocha'] },
  { ...node, entryPoints: [...listTs('test/harness'), ...listTs('test/ui'), ...listTs('test/bench')], outbase: '.' },
];
if (fs.existsSync('media/src/panel.ts')) {
  builds.push({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production,
    minify: production, entryPoints: { 'media/panel': 'media/src/panel.ts' }, logLevel: 'warning' });
}
const exists = (b) => Array.isArray(b.entryPoints) ? b.entryPoints.length > 0 : Object.values(b.entryPoints).every((p) => fs.existsSync(p));
const active = builds.filter(exists).map((b) => ({ ...b, outdir: 'out' }));
if (watch) {
  for (const b of active) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(active.map((b) => esbuild.build(b)));
  fs.chmodSync('out/cli/energy-lens.js', 0o755);
}
