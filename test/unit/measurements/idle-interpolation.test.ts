// Idle drift over a campaign: a layer's dynamic energy is taken against the idle power interpolated
// between the brackets around it once a later bracket is recorded, not against the latest one only.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MeasurementIndex, networkTextSha256, parseCampaignText } from '../../../server/src/measurements';
import type { IdleRecord } from '../../../server/src/measurements/types';
import { NET_TEXT, header, jsonl, layer, session, tempFolder } from './helpers';

const idle = (at: string, power_mW: number, sessionNo = 1): IdleRecord => ({
  type: 'idle',
  session: sessionNo,
  at,
  power_mW,
  window_s: 0.1,
});
const at = (l: ReturnType<typeof layer>, when: string) => ({ ...l, at: when });

describe('measurements: idle interpolated between brackets', () => {
  it('a layer halfway between brackets of 1000 and 1200 mW is taken against 1100 mW', () => {
    // The agent subtracted the latest bracket (1000 mW): 10 mJ gross, 2 ms, 8 mJ dynamic as recorded.
    const text = jsonl(
      header(),
      session(1, ['conv1', 'conv2', 'conv3']),
      idle('2024-01-01T00:01:00.000Z', 1000),
      at(layer('conv1', 10), '2024-01-01T00:01:15.000Z'),
      at(layer('conv2', 10), '2024-01-01T00:01:30.000Z'),
      idle('2024-01-01T00:01:40.000Z', 1200),
      at(layer('conv3', 10), '2024-01-01T00:01:50.000Z'),
    );
    const read = parseCampaignText(text, 'c.jsonl');
    const [c1, c2, c3] = read.layers;
    // conv1 at 15 s of 40: 1000 + 200 × 15/40 = 1075 mW; (1000 − 1075) mW × 2 ms = −0.15 mJ.
    assert.ok(Math.abs(c1.idleInterpolated!.idle_mW - 1075) < 1e-9);
    assert.ok(Math.abs(c1.dynamic_energy_mJ - (8 - 0.15)) < 1e-12, String(c1.dynamic_energy_mJ));
    assert.ok(Math.abs(c2.idleInterpolated!.idle_mW - 1150) < 1e-9);
    assert.equal(c2.idleInterpolated!.recordedDynamic_mJ, 8);
    assert.deepEqual(c2.idleInterpolated!.between, ['2024-01-01T00:01:00.000Z', '2024-01-01T00:01:40.000Z']);
    assert.equal(c2.energy_mJ, 10, 'gross energy is a measurement: unchanged');
    // After the last bracket there is nothing to interpolate towards: the recorded value stays.
    assert.equal(c3.idleInterpolated, undefined);
    assert.equal(c3.dynamic_energy_mJ, 8);
  });

  it('a bracket written in the same millisecond as a layer counts as before or after it by its line', () => {
    // The runner stamps records when their events arrive: the last layer and the closing bracket often
    // come in one chunk, in the same millisecond (a CI run showed it).
    const same = '2024-01-01T00:01:40.000Z';
    const text = jsonl(
      header(),
      session(1, ['conv1', 'prob']),
      idle('2024-01-01T00:01:00.000Z', 1000),
      at(layer('conv1', 10), '2024-01-01T00:01:00.000Z'),
      at(layer('prob', 10), same),
      idle(same, 1200),
    );
    const [conv1, prob] = parseCampaignText(text, 'c.jsonl').layers;
    assert.ok(conv1.idleInterpolated, "the first layer, in the opening bracket's millisecond, lies after it");
    assert.ok(Math.abs(conv1.idleInterpolated.idle_mW - 1000) < 1e-9);
    assert.ok(prob.idleInterpolated, "the last layer, in the closing bracket's millisecond, lies before it");
    assert.ok(Math.abs(prob.idleInterpolated.idle_mW - 1200) < 1e-9);
    // Both brackets in one millisecond: their mean, never NaN.
    const squeezed = jsonl(header(), session(1, ['l']), idle(same, 1000), at(layer('l', 10), same), idle(same, 1200));
    const [l] = parseCampaignText(squeezed, 'c.jsonl').layers;
    assert.equal(l.idleInterpolated?.idle_mW, 1100);
    assert.ok(Number.isFinite(l.dynamic_energy_mJ));
  });

  it('the measured values the editor shows use the interpolated idle, and say so', () => {
    const dir = tempFolder();
    try {
      const file = path.join(dir, 'c.jsonl');
      fs.writeFileSync(
        file,
        jsonl(
          header(),
          session(1, ['conv1']),
          idle('2024-01-01T00:01:00.000Z', 1000),
          at(layer('conv1', 10), '2024-01-01T00:01:30.000Z'),
          idle('2024-01-01T00:02:00.000Z', 1400),
        ),
      );
      const m = MeasurementIndex.fromFolder(dir).measuredFor(networkTextSha256(NET_TEXT))!.layers.get('conv1')!;
      assert.equal(m.idleInterpolated, true);
      assert.ok(Math.abs(m.dynamic_mJ - (8 - 0.4)) < 1e-12, String(m.dynamic_mJ));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("uses only the layer's own session's brackets, and leaves a single bracket alone", () => {
    const text = jsonl(
      header(),
      session(1, ['conv1']),
      idle('2024-01-01T00:01:00.000Z', 1000),
      at(layer('conv1', 10), '2024-01-01T00:01:30.000Z'),
      idle('2024-01-01T00:02:00.000Z', 5000, 2),
    );
    const read = parseCampaignText(text, 'c.jsonl');
    assert.equal(read.layers[0].idleInterpolated, undefined);
    assert.equal(read.layers[0].dynamic_energy_mJ, 8);
  });
});
