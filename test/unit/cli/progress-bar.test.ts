// The terminal progress line: layers done of the total (counting layers an earlier session
// measured), the current layer with Split layers named after their blob, and an ETA smoothed so
// that one slow layer does not make it jump.
import { strict as assert } from 'assert';
import { EtaSmoother, renderProgressLine, shortProgress } from '../../../server/src/cli/progress-bar';

describe('cli: profile progress line', () => {
  const label = (l: string): string => (l === 'data_conv1_0_split' ? 'split of data' : l);

  it('shows done/total across sessions, the layer (Split as "split of <blob>"), ETA and elapsed', () => {
    const line = renderProgressLine(
      { done: 2, of: 15, position: 3, layer: 'data_conv1_0_split', elapsedMs: 65000, fraction: 2 / 15 },
      'net on tx1',
      125000,
      label,
      8,
      23,
    );
    assert.equal(line, '[#########-----------] 10/23 layers · split of data · ETA 2:05 · 1:05 elapsed · net on tx1');
    assert.equal(
      shortProgress({ done: 2, of: 15, layer: 'conv2', elapsedMs: 0, fraction: 0 }, 'tx1 lenet', label, 8, 23),
      'tx1 lenet 10/23 conv2',
    );
    assert.match(
      renderProgressLine({ done: 0, elapsedMs: 1000, fraction: 0, phase: 'connecting to tx1' }, 'n', undefined, label),
      /connecting to tx1/,
    );
  });

  it('smooths the ETA: a raw estimate that doubles moves the shown one by a quarter of the jump', () => {
    const eta = new EtaSmoother();
    assert.equal(eta.update(60000, 0), 60000);
    assert.equal(eta.update(59000, 1000), 59000);
    // One slow layer doubles the raw estimate: the shown one moves by a quarter of the jump.
    const shown = eta.update(118000, 2000)!;
    assert.ok(shown > 58000 && shown < 80000, `shown ${shown}`);
    assert.equal(eta.update(undefined, 3000), shown - 1000);
  });
});
