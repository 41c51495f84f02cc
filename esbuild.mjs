// Bundles every entry point of the project with esbuild: the extension client (a small activation
// bundle plus features loaded on first use, see client/src/lazy-bundles.ts), the language server, the
// CLI, the webview script, and the test/bench programs that run outside mocha.
//   node esbuild.mjs               test build: source maps, test-only hooks compiled in (what the tests run)
//   node esbuild.mjs --production  the shipped extension: minified, no maps, no test hooks, no test programs
//   node esbuild.mjs --watch       test build, rebuilt on change
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const listTs = (dir) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .map((f) => path.join(dir, f))
    : [];

// Test-only commands and webview messages exist only where this is true (types/build-flags.d.ts).
const define = { ENERGY_LENS_TEST_HOOKS: String(!production) };
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  external: ['vscode', 'playwright-core', 'cpu-features', '*.node'],
  loader: { '.proto': 'text' },
  logLevel: 'warning',
  define,
};
/** Loaded by the extension on first use, never at activation: name -> entry (client/src/lazy-bundles.ts). */
export const LAZY_BUNDLES = {
  'client/campaigns': 'client/src/campaigns/register.ts',
  'client/board-link': 'client/src/board/board-link.ts',
  'client/refit-panel': 'client/src/panel/refit-feature.ts',
  'client/refit-worker': 'client/src/panel/fit-worker.ts',
};
const builds = [
  { ...node, entryPoints: { 'client/extension': 'client/src/extension.ts', ...LAZY_BUNDLES } },
  { ...node, entryPoints: { 'server/server': 'server/src/server.ts' } },
  { ...node, entryPoints: { 'cli/energy-lens': 'server/src/cli/energy-lens.ts' }, banner: { js: '#!/usr/bin/env node' } },
];
if (!production) {
  builds.push(
    {
      ...node,
      entryPoints: [...listTs('test/integration'), ...listTs('test/package')],
      outbase: '.',
      external: [...node.external, 'mocha'],
    },
    { ...node, entryPoints: [...listTs('test/harness'), ...listTs('test/ui'), ...listTs('test/bench')], outbase: '.' },
  );
}
if (fs.existsSync('media/src/panel.ts')) {
  builds.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    entryPoints: { 'media/panel': 'media/src/panel.ts' },
    logLevel: 'warning',
    define,
  });
}
const exists = (b) =>
  Array.isArray(b.entryPoints) ? b.entryPoints.length > 0 : Object.values(b.entryPoints).every((p) => fs.existsSync(p));
const active = builds.filter(exists).map((b) => ({ ...b, outdir: 'out' }));
if (watch) {
  for (const b of active) await (await esbuild.context(b)).watch();
} else {
  // Maps of an earlier test build would otherwise linger beside production bundles.
  if (production) for (const dir of ['out/client', 'out/server', 'out/media', 'out/cli']) fs.rmSync(dir, { recursive: true, force: true });
  await Promise.all(active.map((b) => esbuild.build(b)));
  fs.chmodSync('out/cli/energy-lens.js', 0o755);
  // Which flavour out/ holds: the development-path tests refuse a production build (no test hooks).
  fs.writeFileSync('out/build-flavour.json', `${JSON.stringify({ flavour: production ? 'production' : 'test' })}\n`);
}
