// The built .vsix (`npm run package`, which `npm test` runs before the unit tests) holds exactly what
// runs, within the budget of issue 12, and none of the test-only hooks. Read with `unzip -l`.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../shared-paths';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const VSIX = path.join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
const MAX_VSIX_BYTES = 1.5 * 1024 * 1024;
const MAX_ACTIVATION_BUNDLE_BYTES = 400 * 1024;

/** Every file the package may hold (paths inside the .vsix). */
const ALLOWED: RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|language-configuration\.json)$/,
  /^extension\/syntaxes\/[\w.-]+\.tmLanguage\.json$/,
  /^extension\/out\/(client|server|media)\/[\w-]+\.js$/,
  /^extension\/media\/(panel\.css|icon\.png|readme\/[\w-]+\.png)$/,
  // The Getting Started walkthrough's steps (contributes.walkthroughs).
  /^extension\/media\/walkthrough\/[\w-]+\.md$/,
  /^extension\/client\/board\/agent\/energy_lens_agent\.py$/,
  // The emulated boards, by folder (emulator/, emulator-<kind>/): Python and their bin/ tools.
  /^extension\/client\/board\/emulator(-[\w-]+)?\/([\w-]+\/)*[\w-]+\.py$/,
  /^extension\/client\/board\/emulator(-[\w-]+)?\/bin\/[\w.-]+$/,
  /^extension\/server\/src\/energy\/model\.schema\.json$/,
];
const NEVER = /\.map$|\.ts$|__pycache__|\.pyc$|(^|\/)test\/|(^|\/)shared\/|(^|\/)node_modules\/|^extension\/out\/cli\//;

interface Entry {
  name: string;
  bytes: number;
}

function listVsix(): Entry[] {
  if (!fs.existsSync(VSIX)) assert.fail(`${path.basename(VSIX)} is missing: run \`npm run package\` first`);
  const out = execFileSync('unzip', ['-l', VSIX], { encoding: 'utf8' });
  // Rows: "  <length>  <date> <time>   <name>", between the dashed lines.
  return out
    .split('\n')
    .map((l) => /^\s*(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ bytes: Number(m![1]), name: m![2].trim() }));
}

describe('package: the .vsix', () => {
  const entries = listVsix();
  const names = entries.map((e) => e.name);
  const inPackage = (rel: string) => names.includes(`extension/${rel.replace(/^\.\//, '')}`);

  it('holds only files that run, nothing else (maps, sources, tests, caches, shared data, the CLI)', () => {
    const unexpected = names.filter((n) => NEVER.test(n) || !ALLOWED.some((re) => re.test(n)));
    assert.deepEqual(unexpected, [], `not part of the shipped extension: ${unexpected.join(', ')}`);
  });

  it('holds every file the manifest and the lazy bundles refer to', () => {
    const packaged = JSON.parse(execFileSync('unzip', ['-p', VSIX, 'extension/package.json'], { encoding: 'utf8' }));
    const needed = [
      packaged.main,
      'out/server/server.js',
      'out/media/panel.js',
      'media/panel.css',
      packaged.icon,
      'out/client/campaigns.js',
      'out/client/board-link.js',
      'out/client/refit-panel.js',
      'out/client/refit-worker.js',
      ...packaged.contributes.grammars.map((g: { path: string }) => g.path),
      ...packaged.contributes.languages.map((l: { configuration: string }) => l.configuration),
      ...packaged.contributes.jsonValidation.map((j: { url: string }) => j.url),
      'client/board/agent/energy_lens_agent.py',
      'client/board/emulator/emulate.py',
      'client/board/emulator/bin/caffe',
      'LICENSE.txt',
      'changelog.md',
      'readme.md',
    ];
    const missing = needed.filter((f) => !inPackage(f));
    assert.deepEqual(missing, [], `missing from the package: ${missing.join(', ')}`);
    assert.equal(packaged.files, undefined, 'the npm `files` list stays out of the packaged manifest');
    assert.equal(packaged.bin, undefined, 'the CLI is not part of the extension');
  });

  it('shows the README screenshot: every image the README links is shipped or absolute https', () => {
    const readme = execFileSync('unzip', ['-p', VSIX, 'extension/readme.md'], { encoding: 'utf8' });
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length > 0, 'the README shows at least one image');
    for (const src of images) assert.ok(/^https:\/\//.test(src) || inPackage(src), `README image ${src} is neither shipped nor absolute`);
  });

  it('stays within the budget: the .vsix at most 1.5 MB, the activation bundle at most 400 KB', () => {
    const vsixBytes = fs.statSync(VSIX).size;
    const activation = entries.find((e) => e.name === `extension/${manifest.main.replace(/^\.\//, '')}`);
    assert.ok(activation, `${manifest.main} is in the package`);
    console.log(
      `      .vsix ${(vsixBytes / 1024).toFixed(1)} KB, ${names.length} entries; activation bundle ${(activation.bytes / 1024).toFixed(1)} KB`,
    );
    assert.ok(vsixBytes <= MAX_VSIX_BYTES, `.vsix is ${vsixBytes} bytes (budget ${MAX_VSIX_BYTES})`);
    assert.ok(
      activation.bytes <= MAX_ACTIVATION_BUNDLE_BYTES,
      `activation bundle is ${activation.bytes} bytes (budget ${MAX_ACTIVATION_BUNDLE_BYTES})`,
    );
  });

  it('ships no test-only hooks, and ssh2 only in the bundle loaded at the first connection', () => {
    const bundles = names.filter((n) => /^extension\/out\/.*\.js$/.test(n));
    for (const bundle of bundles) {
      const text = execFileSync('unzip', ['-p', VSIX, bundle], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      for (const hook of ['energyLens.refit.lastRenderReport', 'energyLens.refit.drive', 'energyLens.test.campaignTreeSnapshot']) {
        assert.ok(!text.includes(hook), `${bundle} contains the test-only command ${hook}`);
      }
      // ssh2's own protocol strings: present only where the SSH link is bundled.
      const hasSsh2 = text.includes('SSH-2.0-ssh2js');
      assert.equal(hasSsh2, bundle === 'extension/out/client/board-link.js', `${bundle}: ssh2 ${hasSsh2 ? 'bundled' : 'missing'}`);
    }
  });
});

describe('package: the npm package', () => {
  it('publishes the CLI as its bin and nothing of the extension', () => {
    // --ignore-scripts: prepack would rebuild out/ in production mode in the middle of the tests.
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8' });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path).sort();
    assert.equal(manifest.bin['energy-lens'], './out/cli/energy-lens.js');
    assert.ok(files.includes('out/cli/energy-lens.js'), `the CLI is in the npm package: ${files.join(', ')}`);
    const extra = files.filter((f) => !['out/cli/energy-lens.js', 'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f));
    assert.deepEqual(extra, [], `the npm package holds only the CLI and its documents`);
  });
});
