// The package's start-up budget: what activation loads against what the client would load if every
// feature were eager (baseline: all client bundles of the same .vsix, measured in this process), and
// VS Code's own activation time of the installed package from the last `npm run test:package`.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vm from 'vm';
import { REPO_ROOT, TEST_RESULTS } from '../harness/harness-paths';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  main: string;
};
const vsix = path.join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
if (!fs.existsSync(vsix)) {
  console.log(`package-bench: ${path.basename(vsix)} is missing: run \`npm run package\` first`);
  process.exit(1);
}
const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' })
  .split('\n')
  .filter((n) => /^extension\/out\/client\/[\w-]+\.js$/.test(n));
const read = (entry: string) => execFileSync('unzip', ['-p', vsix, entry], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
const main = `extension/${manifest.main.replace(/^\.\//, '')}`;
const sources = new Map(listing.map((n) => [n, read(n)]));
const activation = sources.get(main);
if (!activation) throw new Error(`${main} is not in the package`);

/** Median time to compile `code` (what VS Code's "load code" pays before the module runs). */
function compileMs(code: string, name: string, runs = 15): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    new vm.Script(code, { filename: `${name}#${i}` }); // a new filename each run: no compile cache
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const all = [...sources.values()].join('\n;\n');
const activationMs = compileMs(activation, 'activation');
const eagerMs = compileMs(all, 'eager');
console.log(`.vsix ${kb(fs.statSync(vsix).size)} (budget 1536.0 KB)`);
console.log(
  `activation bundle ${kb(Buffer.byteLength(activation))} (budget 400.0 KB) vs all client bundles (baseline: everything eager) ${kb(Buffer.byteLength(all))}: ratio ${(Buffer.byteLength(activation) / Buffer.byteLength(all)).toFixed(2)}`,
);
console.log(
  `compile, median of 15: activation bundle ${activationMs.toFixed(1)} ms vs all client bundles ${eagerMs.toFixed(1)} ms: ratio ${(activationMs / eagerMs).toFixed(2)}`,
);

const measured = path.join(TEST_RESULTS, 'activation-time.json');
if (fs.existsSync(measured)) {
  const m = JSON.parse(fs.readFileSync(measured, 'utf8')) as {
    activationMs: number;
    vscode: string;
    source: string;
    measuredAt: string;
    vsix: string;
  };
  console.log(
    `activation in a real VS Code ${m.vscode}: ${m.activationMs} ms (target < 150 ms; ${m.source}; ${m.vsix}, measured by npm run test:package at ${m.measuredAt})`,
  );
} else {
  console.log('activation in a real VS Code: not measured yet (npm run test:package writes test-results/activation-time.json)');
}
