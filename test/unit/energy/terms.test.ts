// The term language shared by fitted models and prediction.
import { strict as assert } from 'assert';
import { evaluateTerm, parseTerm } from '../../../server/src/energy/terms';

describe('energy model terms', () => {
  it('parses products, powers and logs into a canonical form', () => {
    const t = parseTerm('channelsIn * kernelH*channelsIn');
    assert.ok(!('error' in t));
    assert.equal(t.text, 'channelsIn^2*kernelH');
    assert.deepEqual(t.factors, [
      { name: 'channelsIn', log: false, power: 2 },
      { name: 'kernelH', log: false, power: 1 },
    ]);
    const l = parseTerm('log(macs)^2*log(macs)');
    assert.ok(!('error' in l));
    assert.equal(l.text, 'log(macs)^3');
  });

  it('rejects what is not a term, with an example of what is', () => {
    for (const bad of ['macs+params', '2*macs', 'log(macs', 'macs^0', 'macs^-1', '']) {
      const r = parseTerm(bad);
      assert.ok('error' in r, bad);
      assert.match(r.error, /e\.g\. channelsIn\^2\*kernelH/);
    }
  });

  it('evaluates terms, naming missing features and refusing logs of non-positive values', () => {
    const t = parseTerm('inputElements*kernelH^2*log(channelsIn)') as Exclude<ReturnType<typeof parseTerm>, { error: string }>;
    const values: Record<string, number> = { inputElements: 10, kernelH: 3, channelsIn: Math.E };
    assert.deepEqual(
      evaluateTerm(t, (n) => values[n]),
      { ok: true, value: 90 },
    );
    assert.deepEqual(
      evaluateTerm(t, (n) => (n === 'kernelH' ? undefined : values[n])),
      { ok: false, missing: ['kernelH'] },
    );
    assert.deepEqual(
      evaluateTerm(t, (n) => (n === 'channelsIn' ? 0 : values[n])),
      { ok: false, invalid: 'log(channelsIn) needs channelsIn > 0, got 0' },
    );
  });

  it('rounds features up to hardware tiles (format version 2)', () => {
    const t = parseTerm('tile16(channelsOut)*heightOut*tile16(channelsOut)');
    assert.ok(!('error' in t));
    assert.equal(t.text, 'tile16(channelsOut)^2*heightOut');
    assert.deepEqual(
      evaluateTerm(t, (n) => (({ channelsOut: 17, heightOut: 2 }) as Record<string, number>)[n]),
      { ok: true, value: 32 * 32 * 2 },
    );
    assert.deepEqual(
      evaluateTerm(t, (n) => (({ channelsOut: 16, heightOut: 1 }) as Record<string, number>)[n]),
      { ok: true, value: 256 },
    );
    assert.ok('error' in parseTerm('tile0(channelsOut)'));
  });
});
