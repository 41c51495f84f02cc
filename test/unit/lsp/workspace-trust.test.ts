// Workspace trust on the server: untrusted (the default until the client says otherwise), the
// workspace's `.energy-lens/models/`, `energyLens.modelFiles` and measurement records are not read, and
// the hover says "built-in models only (workspace not trusted)"; trusting the workspace uses them.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisStore } from '../../../server/src/analysis/analysis-store';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { hover } from '../../../server/src/lsp/hover';
import { REPO_ROOT } from '../shared-paths';

const BUILTIN = path.join(REPO_ROOT, 'server', 'src', 'energy', 'builtin', 'jetson-tx1_caffe-openblas_cpu_1t.json');
const NET =
  'name: "n"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n' +
  'layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 8 kernel_size: 3 } }\n';

/** A workspace whose model for the default platform claims 1000x the built-in energy, and a settings model file. */
function hostileWorkspace(): { root: string; settingFile: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-trust-'));
  const model = JSON.parse(fs.readFileSync(BUILTIN, 'utf8'));
  model.subModels.Convolution.coefficients = model.subModels.Convolution.coefficients.map((c: number) => c * 1000);
  fs.mkdirSync(path.join(root, '.energy-lens', 'models'), { recursive: true });
  fs.writeFileSync(path.join(root, '.energy-lens', 'models', 'tx1.json'), JSON.stringify(model));
  const other = { ...model, platform: { ...model.platform, id: 'lab/setting-board/cpu', label: 'Setting board' } };
  const settingFile = path.join(root, 'setting-model.json');
  fs.writeFileSync(settingFile, JSON.stringify(other));
  return { root, settingFile };
}

function hoverText(store: AnalysisStore): string {
  const doc = TextDocument.create('file:///n.prototxt', 'prototxt', 1, NET);
  const result = hover(doc, store.get(doc), doc.positionAt(NET.indexOf('layer {') + 2));
  return (result?.contents as { value: string }).value;
}

describe('workspace trust (server side)', () => {
  it('untrusted: built-in models only, said in the hover; trusted: the workspace model and the setting file', async () => {
    const { root, settingFile } = hostileWorkspace();
    const store = new AnalysisStore();
    store.setSettings({ ...DEFAULT_SETTINGS, modelFiles: [settingFile] });
    await store.setWorkspaceFolders([root]);
    assert.equal(store.workspaceTrusted, false, 'untrusted until the client says otherwise');

    const untrusted = hoverText(store);
    assert.match(untrusted, /built-in models only \(workspace not trusted\)/);
    assert.match(untrusted, /Model: Jetson TX1 CPU .*, built\\-in/, 'the built-in model (escaped markdown)');
    assert.equal(store.models.get('lab/setting-board/cpu'), undefined, 'energyLens.modelFiles not read');
    assert.equal(store.models.get(DEFAULT_SETTINGS.platform)?.source.origin, 'builtin');
    const builtinEnergy = /Predicted energy per image:\*\* ([\d.]+ \S+)/.exec(untrusted)?.[1];

    store.setWorkspaceTrusted(true);
    const trusted = hoverText(store);
    assert.doesNotMatch(trusted, /workspace not trusted/);
    assert.match(trusted, /workspace file .*tx1\\\.json/);
    assert.ok(store.models.get('lab/setting-board/cpu'), 'the setting file is read once trusted');
    const workspaceEnergy = /Predicted energy per image:\*\* ([\d.]+ \S+)/.exec(trusted)?.[1];
    assert.ok(builtinEnergy && workspaceEnergy && builtinEnergy !== workspaceEnergy, `${builtinEnergy} vs ${workspaceEnergy}`);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('untrusted: no measured values from the workspace records', async () => {
    const { root } = hostileWorkspace();
    const store = new AnalysisStore();
    await store.setWorkspaceFolders([root]);
    const doc = TextDocument.create(`file://${root}/n.prototxt`, 'prototxt', 1, NET);
    let asked = 0;
    const original = store.measurements.lookup.bind(store.measurements);
    store.measurements.lookup = (uri, text) => {
      asked++;
      return original(uri, text);
    };
    assert.deepEqual(store.get(doc).measured, {});
    assert.equal(asked, 0, 'records are not looked up');
    store.setWorkspaceTrusted(true);
    void store.get(doc).measured;
    assert.equal(asked, 1, 'looked up once trusted');
    fs.rmSync(root, { recursive: true, force: true });
  });
});
