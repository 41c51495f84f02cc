// The runner's pure parts: agent lines, records built from agent events, progress and estimate,
// and resume planning (refuses a changed network or another board).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { jsonl, header, layer, session, end, tempFolder } from '../measurements/helpers';
import { parseTarget, type TargetConfig } from '../../../client/src/board/targets';
import { parseAgentLine, type AgentIdle, type AgentLayer, type AgentNet } from '../../../client/src/campaigns/agent-events';
import { planNewCampaign, planResume } from '../../../client/src/campaigns/campaign-plan';
import { badNetwork, CampaignError } from '../../../client/src/campaigns/failures';
import { parseProbe, probeBlocker } from '../../../client/src/campaigns/probe';
import { formatDuration, formatProgress, ProgressTracker } from '../../../client/src/campaigns/progress';
import { idleRecord, layerRecord, netRecord } from '../../../client/src/campaigns/record-mapper';
import { networkTextSha256, recordSchemaError } from '../../../server/src/measurements';
import { NET_TEXT } from '../measurements/helpers';

const TX1 = parseTarget({ name: 'tx1', host: 'h', kind: 'jetson-tx1' }) as TargetConfig;

describe('campaign runner parts', () => {
  it('reads agent lines: events of schema 1, everything else ignored with a reason', () => {
    assert.equal(parseAgentLine('{"v":1,"event":"idle","power_mw":2000,"window_s":0.42}').event?.event, 'idle');
    assert.match(parseAgentLine('hello from sitecustomize').ignored ?? '', /not JSON/);
    assert.match(parseAgentLine('{"v":2,"event":"layer"}').ignored ?? '', /schema version 2/);
    assert.match(parseAgentLine('{"v":1,"event":"party"}').ignored ?? '', /unknown agent event "party"/);
    assert.deepEqual(parseAgentLine('   '), {});
  });

  it('turns an agent layer event into a valid record; a NaN on the board makes it unusable, not zero', () => {
    const e: AgentLayer = {
      event: 'layer',
      index: 3,
      name: 'conv2',
      type: 'Convolution',
      method: 'steady-state',
      in_place: false,
      repetitions: [{}, {}, {}],
      time_ms: 4,
      power_mw: 5000,
      energy_mj: 20,
      dynamic_energy_mj: 12,
      cpu_power_mw: 2100,
      gpu_power_mw: 40,
      energy_mj_spread: 0.4,
      time_ms_spread: 0.01,
      calls: 1500,
      settled: true,
    };
    const r = layerRecord(e, 1, '2024-01-01T00:00:00.000Z', 2000, { total: 'VDD_IN', cpu: 'VDD_CPU', gpu: 'VDD_GPU' });
    assert.ok(typeof r !== 'string');
    assert.equal(recordSchemaError(r), undefined);
    assert.deepEqual(r.rails_mW, { VDD_IN: 5000, VDD_CPU: 2100, VDD_GPU: 40 });
    assert.deepEqual(r.spread, { time_ms: 0.01, energy_mJ: 0.4 });
    assert.deepEqual([r.repetitions, r.calls, r.idle_power_mW, r.layerType], [3, 1500, 2000, 'Convolution']);
    assert.match(layerRecord({ ...e, energy_mj: null }, 1, '2024-01-01T00:00:00.000Z', 2000, {}) as string, /no value for energy_mj/);
  });

  it('keeps the calibration, idle brackets and in-forward values in their own fields, valid against the schema', () => {
    const idle: AgentIdle = {
      event: 'idle',
      power_mw: 2150,
      window_s: 0.42,
      bracket: 0,
      at_s: 9.5,
      drift_mw: 0,
      loop_power_mw: 2300,
      loop_time_ms: 0.0004,
      calibration: {
        window: {
          window_s: 0.42,
          window_source: 'measured',
          window_configured_s: 0.4224,
          window_estimates_s: [0.41, 0.42, 0.43],
          window_spread: 0.02,
        },
        harness: {
          noop: 'layer input (Input)',
          time_ms: 0.02,
          power_mw: 2600,
          energy_mj: 0.052,
          time_ms_spread: 0.001,
          energy_mj_spread: 0.002,
          calls: 9000,
        },
      },
    };
    const ir = idleRecord(idle, 1, '2024-01-01T00:00:00.000Z');
    assert.ok(typeof ir !== 'string');
    assert.equal(recordSchemaError(ir), undefined);
    assert.deepEqual(ir.calibration?.harness, {
      noop: 'layer input (Input)',
      time_ms: 0.02,
      power_mW: 2600,
      energy_mJ: 0.052,
      spread: { time_ms: 0.001, energy_mJ: 0.002 },
      calls: 9000,
    });
    assert.deepEqual(ir.bracket, { index: 0, at_s: 9.5, drift_mW: 0, loopPower_mW: 2300, loopTime_ms: 0.0004 });
    // a later bracket: no calibration; an unusable number drops the field, never the record
    const later = idleRecord(
      { event: 'idle', power_mw: 2170, window_s: 0.42, bracket: 3, at_s: 900, drift_mw: 20, loop_power_mw: null },
      1,
      '2024-01-01T00:15:00.000Z',
    );
    assert.ok(typeof later !== 'string');
    assert.deepEqual([later.calibration, later.bracket], [undefined, { index: 3, at_s: 900, drift_mW: 20 }]);

    const e: AgentLayer = {
      event: 'layer',
      index: 4,
      name: 'relu2',
      type: 'ReLU',
      method: 'steady-state',
      in_place: true,
      repetitions: [{}, {}, {}],
      time_ms: 0.09,
      power_mw: 3600,
      energy_mj: 0.324,
      dynamic_energy_mj: 0.13,
      calls: 90000,
      settled: true,
      idle_power_mw: 2170,
      harness: { time_ms: 0.02, energy_mj: 0.052 },
      restore: { time_ms: 0.05, energy_mj: 0.16, power_mw: 3200, restores: 900 },
      tries: 2,
    };
    const lr = layerRecord(e, 1, '2024-01-01T00:00:00.000Z', 2150, {});
    assert.ok(typeof lr !== 'string');
    assert.equal(recordSchemaError(lr), undefined);
    assert.equal(lr.idle_power_mW, 2170, 'the idle of the bracket the agent used, not the first');
    assert.deepEqual(lr.calibration, {
      harness_time_ms: 0.02,
      harness_energy_mJ: 0.052,
      restore_time_ms: 0.05,
      restore_energy_mJ: 0.16,
      tries: 2,
    });

    const n: AgentNet = {
      event: 'net',
      method: 'steady-state',
      time_ms: 30,
      power_mw: 5000,
      energy_mj: 150,
      dynamic_energy_mj: 85,
      iterations: 60,
      sum_layers_energy_mj: 140,
      layers_in_sum: 2,
      residual_pct: -6.7,
      in_forward: {
        method: 'callbacks',
        forwards: 5,
        callback_ms: 0.004,
        sum_layers_energy_mj: 149,
        residual_pct: -0.7,
        layers: [
          { name: 'conv1', time_ms: 20, energy_mj: 110, dynamic_energy_mj: 70 },
          { name: 'relu2', time_ms: 0.1 },
          { name: 'bad', time_ms: null },
        ],
      },
      idle_drift: { brackets: 4, drift_mw: 20, range_mw: 25 },
    };
    const nr = netRecord(n, 1, '2024-01-01T00:20:00.000Z');
    assert.ok(typeof nr !== 'string');
    assert.equal(recordSchemaError(nr), undefined);
    assert.deepEqual(nr.isolated, { sum_energy_mJ: 140, layers: 2, residual_pct: -6.7 });
    assert.deepEqual(nr.inForward?.layers, { conv1: { time_ms: 20, energy_mJ: 110, dynamic_energy_mJ: 70 }, relu2: { time_ms: 0.1 } });
    assert.equal(nr.inForward?.residual_pct, -0.7);
    assert.deepEqual(nr.idleDrift, { brackets: 4, drift_mW: 20, range_mW: 25 });
    assert.match(recordSchemaError({ ...nr, inForward: { ...nr.inForward, forwards: 0 } }) ?? '', /forwards/);
  });

  it("a net the board cannot parse keeps libprotobuf's LINE:COL for a diagnostic there; a bad location is dropped", () => {
    const e = badNetwork('lenet.prototxt', '12:35: unknown field', { line: 12, column: 35, message: 'unknown field' });
    assert.deepEqual([e.code, e.location], ['bad-network', { line: 12, column: 35, message: 'unknown field' }]);
    assert.equal(badNetwork('x', 'y', { line: 0, column: 3, message: 'm' }).location, undefined);
    assert.equal(badNetwork('x', 'y').location, undefined);
  });

  it('progress: layer k of n, elapsed, and an estimate from the loop length, then from finished layers', () => {
    let now = 0;
    const p = new ProgressTracker(3, false, () => now);
    now = 5000;
    assert.equal(formatProgress(p.state()), 'starting · 0:05 elapsed');
    p.layerStarted('conv1', 1, 4, 2);
    // No layer finished yet: 3 repetitions x 2 s (+15 % overhead) per layer, 4 layers.
    assert.equal(Math.round(p.state().remainingMs!), Math.round(4 * 6.9 * 1000));
    now = 15000;
    p.layerFinished();
    p.layerStarted('relu1', 2, 4, 2);
    now = 16000;
    const s = p.state();
    assert.deepEqual([s.position, s.of, s.done, s.fraction], [2, 4, 1, 0.25]);
    assert.equal(s.remainingMs, 3 * 10000 - 1000);
    assert.equal(formatProgress(s), 'layer 2 of 4 (relu1) · 0:16 elapsed · about 0:29 left');
    assert.equal(formatDuration(3723000), '1:02:03');
  });

  it("probe: a board without sensor or without Caffe is stopped with the agent's hint", () => {
    const probe = (sensor: object, caffe: object): string =>
      JSON.stringify({
        v: 1,
        event: 'probe',
        agent: '1.0.0',
        board: { model: 'jetson_tx1', emulated: false },
        sensor,
        caffe,
        python: { version: '3.5.2' },
      });
    const none = parseProbe(
      probe({ found: false, rails: [], hint: 'Build the kernel with CONFIG_SENSORS_INA3221' }, { python: { importable: true } }),
      'board "tx1"',
    );
    const err = probeBlocker(none, 'board "tx1"');
    assert.equal(err?.code, 'no-sensor');
    assert.match(err!.nextStep!, /CONFIG_SENSORS_INA3221/);
    const noCaffe = parseProbe(
      probe(
        { found: true, rails: [{ name: 'VDD_IN' }] },
        { python: { importable: false, error: 'ImportError: No module named caffe' }, binary: null },
      ),
      'b',
    );
    assert.equal(probeBlocker(noCaffe, 'b')?.code, 'no-caffe');
    assert.match(probeBlocker(noCaffe, 'b')!.message, /No module named caffe/);
    assert.match(probeBlocker(noCaffe, 'b')!.nextStep!, /PYTHONPATH/);
    const ok = parseProbe(
      probe({ found: true, rails: [{ name: 'VDD_IN' }] }, { python: { importable: false }, binary: '/usr/bin/caffe' }),
      'b',
    );
    assert.equal(probeBlocker(ok, 'b'), undefined);
    assert.throws(
      () => parseProbe('Traceback (most recent call last):', 'b'),
      (e: unknown) => e instanceof CampaignError && e.code === 'probe-failed',
    );
  });

  describe('resume planning', () => {
    let root: string;
    let records: string;
    beforeEach(() => {
      root = tempFolder();
      fs.mkdirSync(path.join(root, 'nets'));
      fs.writeFileSync(path.join(root, 'nets', 'tiny.prototxt'), NET_TEXT);
      records = path.join(root, '.energy-lens', 'measurements', 'tiny-tx1.jsonl');
      fs.mkdirSync(path.dirname(records), { recursive: true });
      fs.writeFileSync(records, jsonl(header(), session(1, ['conv1', 'relu1', 'fc']), layer('conv1', 10), end('interrupted', 1, 1)));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('skips the layers on disk, keeps the id and file, and numbers the next session', () => {
      const plan = planResume({ kind: 'resume', workspaceRoot: root, recordsFile: records }, TX1);
      assert.deepEqual(
        [plan.id, plan.recordsFile, plan.resume, plan.session, plan.alreadyComplete],
        ['20240101T000000Z-abcd', records, true, 2, false],
      );
      assert.deepEqual(plan.skip, ['conv1']);
      assert.deepEqual(plan.plannedBefore, ['conv1', 'relu1', 'fc']);
      assert.equal(plan.netCheck, true);
    });

    it('refuses when the network text changed since, or another board is asked to finish it', () => {
      fs.appendFileSync(path.join(root, 'nets', 'tiny.prototxt'), 'layer { name: "extra" type: "ReLU" bottom: "data" top: "data" }\n');
      assert.throws(
        () => planResume({ kind: 'resume', workspaceRoot: root, recordsFile: records }, TX1),
        (e: unknown) =>
          e instanceof CampaignError &&
          e.code === 'network-changed' &&
          /nets\/tiny.prototxt changed since this campaign started/.test(e.message),
      );
      fs.writeFileSync(path.join(root, 'nets', 'tiny.prototxt'), NET_TEXT.replace(/\n/g, '\r\n'));
      assert.doesNotThrow(
        () => planResume({ kind: 'resume', workspaceRoot: root, recordsFile: records }, TX1),
        'line endings are not a change',
      );
      const nano = parseTarget({ name: 'nano', host: 'h' }) as TargetConfig;
      assert.throws(
        () => planResume({ kind: 'resume', workspaceRoot: root, recordsFile: records }, nano),
        /measured on "tx1"; finishing it on "nano" would mix two boards/,
      );
    });

    it('a new campaign records the network relative to the workspace with its hash and analysed layers', () => {
      const plan = planNewCampaign(
        { kind: 'new', workspaceRoot: root, networkFile: path.join(root, 'nets', 'tiny.prototxt') },
        TX1,
        new Date('2024-05-06T07:08:09Z'),
      );
      assert.equal(plan.network.path, 'nets/tiny.prototxt');
      assert.equal(plan.network.sha256, networkTextSha256(NET_TEXT));
      assert.equal(path.basename(plan.recordsFile), 'tiny-tx1-20240506T070809Z.jsonl');
      assert.match(plan.id, /^20240506T070809Z-[0-9a-z]{4}$/);
      fs.writeFileSync(plan.recordsFile, '');
      const second = planNewCampaign(
        { kind: 'new', workspaceRoot: root, networkFile: path.join(root, 'nets', 'tiny.prototxt') },
        TX1,
        new Date('2024-05-06T07:08:09Z'),
      );
      assert.equal(path.basename(second.recordsFile), 'tiny-tx1-20240506T070809Z-2.jsonl', 'never the file of another campaign');
    });
  });
});
