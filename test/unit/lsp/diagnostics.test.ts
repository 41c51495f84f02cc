// Publishing diagnostics: a large file gets its syntax and schema problems before the network is
// analysed, and a publish for a superseded version is dropped.
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisStore } from '../../../server/src/analysis/analysis-store';
import { EARLY_PUBLISH_CHARS, registerDiagnostics } from '../../../server/src/lsp/diagnostics';
import { diagnosticsFakes } from './diagnostics-fakes';

const fakes = diagnosticsFakes;

/** A net with a typo in the text and a graph problem (a bottom nobody produces), padded to `size`. */
function netText(size: number): string {
  const head =
    'input: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n' +
    'layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernal_size: 3 kernel_size: 3 } }\n' +
    'layer { name: "r" type: "ReLU" bottom: "nowhere" top: "r" }\n';
  const pad = '# padding comment line to make the file large enough for the early publish\n';
  return head + pad.repeat(Math.max(0, Math.ceil((size - head.length) / pad.length)));
}

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
};

describe('diagnostics publishing', () => {
  it('a large file: syntax and schema problems first, then the network problems', async () => {
    const f = fakes();
    const store = new AnalysisStore();
    registerDiagnostics(f.connection, f.documents, store);
    const doc = TextDocument.create('file:///big.prototxt', 'prototxt', 1, netText(EARLY_PUBLISH_CHARS + 10));
    f.emit('open', doc);
    await until(() => f.sent.length >= 2, 'two publishes');
    const [early, full] = f.sent.map((p) => p.diagnostics.map((d) => String(d.code)));
    assert.deepEqual(early, ['unknown-field']);
    assert.ok(full.includes('unknown-field') && full.length > early.length, `full set adds the network problems: ${full}`);
    assert.deepEqual(f.errors, []);
  });

  it('a large file is analysed in slices, one per event-loop turn, so other work runs between them', async () => {
    let turns = 0;
    const turnAtSend: number[] = [];
    const f = fakes(() => turnAtSend.push(turns));
    registerDiagnostics(f.connection, f.documents, new AnalysisStore());
    let ticking = true;
    const tick = (): void => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    f.emit('open', TextDocument.create('file:///staged.prototxt', 'prototxt', 1, netText(EARLY_PUBLISH_CHARS + 10)));
    setImmediate(tick);
    await until(() => f.sent.length >= 2, 'two publishes');
    ticking = false;
    // The parse is not done in the turn of the open; the network stage runs in slices between the two publishes.
    assert.ok(turnAtSend[0] >= 1, `turns before the early publish: ${turnAtSend[0]}`);
    assert.ok(turnAtSend[1] - turnAtSend[0] >= 2, `turns between the publishes: ${turnAtSend[1] - turnAtSend[0]}`);
  });

  it('a small file: one publish with everything', async () => {
    const f = fakes();
    registerDiagnostics(f.connection, f.documents, new AnalysisStore());
    f.emit('open', TextDocument.create('file:///small.prototxt', 'prototxt', 1, netText(0)));
    await until(() => f.sent.length >= 1, 'a publish');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(f.sent.length, 1);
    assert.ok(f.sent[0].diagnostics.length >= 2);
  });

  it('drops the network stage of a version that was edited meanwhile', async () => {
    let edit = (): void => undefined;
    const f = fakes((params) => {
      if (params.version === 1) edit(); // the user types while version 1 is being published
    });
    registerDiagnostics(f.connection, f.documents, new AnalysisStore());
    const v1 = TextDocument.create('file:///edit.prototxt', 'prototxt', 1, netText(EARLY_PUBLISH_CHARS + 10));
    edit = () => {
      edit = () => undefined;
      f.emit('change', TextDocument.create(v1.uri, 'prototxt', 2, v1.getText()));
    };
    f.emit('open', v1);
    await until(() => f.sent.some((p) => p.version === 2 && p.diagnostics.length > 1), 'the full publish of version 2');
    assert.deepEqual(
      f.sent.map((p) => p.version),
      [1, 2, 2],
      'version 1 got only its early publish',
    );
  });
});
