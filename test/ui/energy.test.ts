// What a person sees on SqueezeNet v1.0: the predicted-energy CodeLens at the top, ⚡ inlay hints
// on the layer lines, and a hover on conv1 with its predicted energy, all agreeing with each other
// and naming the platform of the model file. Screenshot: test-results/energy.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../harness/harness-paths';
import { currentSession } from './ui-session';
import {
  codeLensTexts,
  hoverText,
  openFileInExplorer,
  runCommand,
  screenshot,
  waitForCodeLens,
  waitForInlayHints,
  waitForLanguageMode,
  type RenderedHint,
} from './workbench';

/** The default platform's label, read from the package manifest and the built-in model file. */
function defaultPlatformLabel(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  };
  const id = manifest.contributes.configuration.properties['energyLens.platform'].default;
  const dir = path.join(REPO_ROOT, 'server', 'src', 'energy', 'builtin');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const model = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { platform: { id: string; label: string } };
    if (model.platform.id === id) return model.platform.label;
  }
  throw new Error(`no built-in model for the default platform ${String(id)}`);
}

const ENERGY = String.raw`[\d.]+ (?:µJ|mJ|J)`;
// Memory-bound layers (ReLU, Concat) are predicted by an extrapolated sub-model and say so.
const HINT = new RegExp(String.raw`^⚡ (${ENERGY}) · ([\d.]+ %)(?: \(extrap\.\))?$`);

/**
 * Shows hovers below the hovered line for this suite, so the hover on conv1's name covers neither the
 * CodeLens above the file nor conv1's own hint on the line above; returns the restoring function.
 */
function hoversBelow(workspace: string): () => void {
  const file = path.join(workspace, '.vscode', 'settings.json');
  const original = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const settings = original ? (JSON.parse(original) as Record<string, unknown>) : {};
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...settings, 'editor.hover.above': false }, null, 2));
  return () => (original === undefined ? fs.rmSync(file, { force: true }) : fs.writeFileSync(file, original));
}

suite('UI: energy', () => {
  let restoreSettings: () => void = () => undefined;
  suiteSetup(() => {
    restoreSettings = hoversBelow(currentSession().workspace);
  });
  suiteTeardown(async () => {
    restoreSettings();
    // Leave the Explorer as we found it, collapsed, so other tests find their folders in view.
    await runCommand(currentSession().page, 'Collapse Folders in Explorer').catch(() => undefined);
  });

  test('SqueezeNet shows the energy CodeLens, ⚡ inlay hints and a conv1 hover with the same predicted energy', async () => {
    const { page } = currentSession();
    await openFileInExplorer(page, 'samples/squeezenet_v1.0.prototxt');
    await waitForLanguageMode(page, 'Caffe prototxt');
    let lens: string;
    let hints: RenderedHint[];
    let hover: string;
    try {
      // The first analysis after the extension activates can take a while on a busy machine.
      lens = await waitForCodeLens(page, /predicted .* per image/, 60_000);
      hints = await waitForInlayHints(page, HINT, 30_000);
      hover = await hoverText(page, { lineText: 'name: "conv1"', token: 'conv1' });
    } finally {
      await screenshot(page, 'energy.png');
    }
    const label = defaultPlatformLabel();

    assert.match(
      lens,
      new RegExp(String.raw`^⚡ predicted ((?:≥ )?${ENERGY}) per image \((?:modelled layers, )?90 %: ${ENERGY} – ${ENERGY}\)`),
      `CodeLens: ${lens}`,
    );
    assert.ok(lens.includes(label), `the CodeLens names the platform "${label}": ${lens}`);
    assert.ok(
      (await codeLensTexts(page)).some((t) => t.includes('Change platform')),
      'the "Change platform" lens is shown',
    );
    assert.ok(await page.locator('.codelens-decoration', { hasText: 'per image' }).first().isVisible(), 'the CodeLens is visible');

    assert.ok(hints.length >= 2, `several hints are rendered: ${JSON.stringify(hints)}`);
    assert.ok(
      hints.every((h) => HINT.test(h.text)),
      `every hint reads "⚡ <energy> · <share> %": ${JSON.stringify(hints)}`,
    );
    // The first rendered hint is on the first layer, conv1: it must say what the hover says.
    const [, hintEnergy, hintShare] = HINT.exec(hints[0].text)!;

    assert.match(hover, /Predicted energy/, `hover: ${hover}`);
    assert.match(hover, /conv1/);
    assert.ok(hover.includes(label), `the hover names the platform: ${hover}`);
    assert.ok(
      hover.includes(hintEnergy) && hover.includes(hintShare),
      `the hover's energy and share match conv1's inlay hint "${hints[0].text}": ${hover}`,
    );
    assert.match(hover, /E = [\d.]+ \S+ × MACs/, 'the hover shows the formula');
    assert.ok(hover.includes('1×96×111×111'), "and conv1's output shape");

    // The status bar item shows the same total for the same platform.
    const total = /predicted ((?:≥ )?\S+ \S+) per image/.exec(lens)![1];
    const status = (await page.locator('.statusbar').first().innerText()).replace(/\u00a0/g, ' ');
    assert.ok(status.includes(`${label} · ${total}`), `status bar "${label} · ${total}": ${status}`);
  });
});
