// The network stage in steps (issue 13 item 9): requests are answered between the steps of a long
// analysis, a newer version stops the old one, and stepping gives exactly the one-go result.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisStore } from '../../../server/src/analysis/analysis-store';
import type { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { EARLY_PUBLISH_CHARS, registerDiagnostics } from '../../../server/src/lsp/diagnostics';
import { documentSymbols } from '../../../server/src/lsp/symbols';
import { analyzeDocument, analyzeDocumentSteps } from '../../../server/src/net';
import { parse } from '../../../server/src/text/parser';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { detectFileKind, detectFileKindSteps, validateDocument, validateDocumentSteps } from '../../../server/src/caffe/validate';
import { upgradeNet, upgradeNetSteps } from '../../../server/src/net/upgrade';
import { planSplits, planSplitsSteps } from '../../../server/src/net/splits';
import { graphDiagnostics, graphDiagnosticsSteps } from '../../../server/src/net/diagnostics';
import { netLatency, netLatencySteps, netPrediction, netPredictionSteps } from '../../../server/src/energy/predict';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { diagnosticsFakes } from '../lsp/diagnostics-fakes';

const fakes = (onSend: (params: PublishDiagnosticsParams) => void) => diagnosticsFakes(onSend, (m) => assert.fail(m));

/** A ReLU chain long enough that its network stage needs many steps (> EARLY_PUBLISH_CHARS of text). */
function longChain(): string {
  const out = ['input: "b0"', 'input_shape { dim: 1 dim: 4 dim: 8 dim: 8 }'];
  for (let i = 1; out.join('\n').length < EARLY_PUBLISH_CHARS + 1000; i++)
    out.push(`layer { name: "relu_${i}" type: "ReLU" bottom: "b${i - 1}" top: "b${i}" }`);
  return out.join('\n') + '\n';
}

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 3000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
};

describe('stepped network analysis', function () {
  this.timeout(120_000);
  const text = longChain();

  it('answers a documentSymbol request sent during the network stage before that stage finishes', async () => {
    const store = new AnalysisStore();
    let answered: { publishesBefore: number; netDone: boolean; symbols: number } | undefined;
    const f = fakes((params) => {
      if (f.sent.length !== 1) return;
      // The early publish is out: the network stage starts in the next turn. A request arrives now.
      const doc = f.documents.get(params.uri)!;
      setImmediate(() =>
        setImmediate(() => {
          const analysis = store.get(doc);
          answered = {
            publishesBefore: f.sent.length,
            netDone: analysis.netAnalysed,
            symbols: documentSymbols(doc, analysis.parsed.root).length,
          };
        }),
      );
    });
    registerDiagnostics(f.connection, f.documents, store);
    f.emit('open', TextDocument.create('file:///chain.prototxt', 'prototxt', 1, text));
    await until(() => f.sent.length >= 2, 'the full publish');
    assert.ok(answered, 'the request ran');
    assert.equal(answered.publishesBefore, 1, 'answered before the network problems were published');
    assert.equal(answered.netDone, false, 'answered while the network stage was still running');
    assert.ok(answered.symbols > 1000, `the outline has the layers: ${answered.symbols}`);
  });

  it('a newer version stops the analysis of the older one', async () => {
    const store = new AnalysisStore();
    let v1: DocumentAnalysis | undefined;
    const f = fakes((params) => {
      if (params.version !== 1) return;
      const doc = f.documents.get(params.uri)!;
      v1 = store.get(doc);
      // Two turns into version 1's network stage, the user types.
      setImmediate(() => setImmediate(() => f.emit('change', TextDocument.create(doc.uri, 'prototxt', 2, doc.getText() + '\n'))));
    });
    registerDiagnostics(f.connection, f.documents, store);
    f.emit('open', TextDocument.create('file:///cancel.prototxt', 'prototxt', 1, text));
    await until(() => f.sent.filter((p) => p.version === 2).length >= 2, 'the full publish of version 2');
    assert.ok(v1, 'version 1 was published early');
    assert.equal(v1.netAnalysed, false, 'version 1 never finished its network stage');
    assert.deepEqual(
      f.sent.map((p) => p.version),
      [1, 2, 2],
    );
  });

  it('stepping, interleaved with another analysis, gives the one-go result on every corpus net', () => {
    const files = fs.readdirSync(CORPUS_PROTOTXT).filter((n) => n.endsWith('.prototxt'));
    assert.ok(files.length > 10, `corpus nets: ${files.length}`);
    const docs = files.map((n) => {
      const t = fs.readFileSync(path.join(CORPUS_PROTOTXT, n), 'utf8');
      return { n, t, doc: parse(t) };
    });
    let seed = 13;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < docs.length; i++) {
      const a = docs[i];
      const b = docs[(i + 1) % docs.length];
      const sa = analyzeDocumentSteps(a.doc, {}, a.t);
      const sb = analyzeDocumentSteps(b.doc, { phase: 'TRAIN' }, b.t);
      let ra = sa.next();
      let rb = sb.next();
      while (!ra.done || !rb.done) {
        if (!ra.done && (rb.done || random() < 0.5)) ra = sa.next();
        else if (!rb.done) rb = sb.next();
      }
      assert.deepEqual(ra.value, analyzeDocument(a.doc, {}, a.t), a.n);
      assert.deepEqual(rb.value, analyzeDocument(b.doc, { phase: 'TRAIN' }, b.t), b.n);
    }
  });

  it('the whole analysis in slices (parse, tree, network, prediction, latency) equals the getters in one go', () => {
    const store = new AnalysisStore();
    for (const name of ['squeezenet_v1.0.prototxt', 'resnet50.prototxt', 'googlenet.prototxt']) {
      const t = fs.readFileSync(path.join(CORPUS_PROTOTXT, name), 'utf8');
      const sliced = store.get(TextDocument.create(`file:///sliced/${name}`, 'prototxt', 1, t));
      let slices = 0;
      while (!sliced.stepAnalysis(0)) slices++;
      assert.ok(slices > 3, `${name}: stepped in ${slices} slices`);
      assert.ok(sliced.analysed);
      const oneGo = store.get(TextDocument.create(`file:///one-go/${name}`, 'prototxt', 1, t));
      assert.deepEqual(sliced.prediction, oneGo.prediction, `${name}: prediction`);
      assert.deepEqual(sliced.latency, oneGo.latency, `${name}: latency`);
      assert.ok(sliced.prediction && sliced.prediction.total.predicted_mJ > 0, `${name}: predicted`);
      const layer = sliced.net!.layers[7];
      assert.equal(sliced.indexOfLayer(layer), 7);
    }
  });

  it('the whole-net passes (file kind, schema check, upgrade, split plan, graph checks, energy and latency totals) pause on a large net and give the one-go result', () => {
    const doc = parse(text);
    const layers = doc.root.fields.filter((f) => f.name === 'layer').length;
    const pauses = <T>(steps: Generator<void, T>): { value: T; pauses: number } => {
      let pauses = 0;
      let r = steps.next();
      for (; !r.done; r = steps.next()) pauses++;
      return { value: r.value, pauses };
    };
    const kind = pauses(detectFileKindSteps(doc));
    assert.equal(kind.value, detectFileKind(doc));
    assert.ok(kind.pauses >= Math.floor(layers / 4096), `file kind: ${kind.pauses} pauses`);
    // A duplicate name field in the first layer and a field no schema has, for the check to find.
    const flawed = parse(text.replace('layer {', 'layer { name: "a" name: "b" no_such_field: 1'));
    const schema = pauses(validateDocumentSteps(flawed, 'net'));
    assert.deepEqual(schema.value, validateDocument(flawed, 'net'));
    assert.ok(schema.value.length >= 2, `${schema.value.length} schema problems`);
    assert.ok(schema.pauses >= Math.floor(layers / 4096), `schema check: ${schema.pauses} pauses`);
    const def = pauses(upgradeNetSteps(doc));
    assert.deepEqual(def.value, upgradeNet(doc));
    assert.ok(def.pauses >= Math.floor(layers / 4096), `upgrade: ${def.pauses} pauses for ${layers} layers`);
    const nodes = def.value.layers.map((l) => ({
      name: l.name,
      bottoms: l.bottoms.map((b) => b.name),
      tops: l.tops.map((t) => t.name),
      lossWeights: l.lossWeights,
    }));
    const plan = pauses(planSplitsSteps(nodes));
    assert.deepEqual(plan.value, planSplits(nodes));
    assert.ok(plan.pauses >= Math.floor(layers / 4096), `split plan: ${plan.pauses} pauses`);
    const checks = pauses(graphDiagnosticsSteps(def.value.layers, plan.value, 0));
    assert.deepEqual(checks.value, graphDiagnostics(def.value.layers, plan.value, 0));
    assert.ok(checks.pauses >= Math.floor(layers / 4096), `graph checks: ${checks.pauses} pauses`);

    const totalsStore = new AnalysisStore();
    // A platform whose built-in model has latency sub-models too.
    totalsStore.setSettings({ ...DEFAULT_SETTINGS, platform: 'jetson-tx2/pytorch/cpu' });
    const analysis = totalsStore.get(TextDocument.create('file:///totals.prototxt', 'prototxt', 1, text));
    const model = analysis.model!.model;
    const energy = pauses(netPredictionSteps(analysis.prediction!.layers, model));
    assert.deepEqual(energy.value, netPrediction(analysis.prediction!.layers, model));
    assert.deepEqual(energy.value.total, analysis.prediction!.total);
    assert.ok(energy.pauses >= Math.floor(layers / 4096), `energy totals: ${energy.pauses} pauses`);
    const latency = pauses(netLatencySteps(analysis.latency!.layers, model));
    assert.deepEqual(latency.value, netLatency(analysis.latency!.layers, model));
    assert.ok(latency.pauses >= Math.floor(layers / 4096), `latency totals: ${latency.pauses} pauses`);
  });

  it('whenParsed resolves once the schema check is done too (the publisher then reads it without more work)', async () => {
    const analysis = new AnalysisStore().get(TextDocument.create('file:///parsed.prototxt', 'prototxt', 1, text));
    assert.equal(await analysis.whenParsed(1), true);
    assert.ok((analysis as unknown as { schemaCache?: unknown }).schemaCache !== undefined, 'schema checked by the stepped job');
  });

  it('an abandoned analysis stops stepping: whenAnalysed resolves false, whenParsed too', async () => {
    const store = new AnalysisStore();
    const analysis = store.get(TextDocument.create('file:///abandon.prototxt', 'prototxt', 1, text));
    const parsed = analysis.whenParsed(1);
    const done = analysis.whenAnalysed(1);
    analysis.abandon();
    assert.equal(await done, false);
    assert.equal(await parsed, false);
    assert.equal(analysis.analysed, false);
  });
});
