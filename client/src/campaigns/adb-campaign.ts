// A campaign on an Android phone over adb: translates the network to Caffe2, measures every layer
// with the steady state of adb-steady-state.ts and appends the same records as a Jetson campaign
// (server/src/measurements' writer, fsync per record), naming board, backend and power source:
// platform snapdragon-820/caffe2-eigen/cpu, rails_mW { battery }, header powerSource.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AdbDevice } from '../board/adb';
import { translateToCaffe2 } from '../../../server/src/caffe2/translate';
import {
  CampaignHeader,
  CampaignRecordWriter,
  LayerRecord,
  PowerSourceInfo,
  campaignFileName,
  measurementsFolder,
  newCampaignId,
  platformId,
} from '../../../server/src/measurements';
import { AdbPowerSource, AdbLayerResult, PowerSourceReport, measureOverAdb } from './adb-steady-state';
import { networkInfo } from './campaign-plan';

export const ADB_BACKEND = 'caffe2-eigen';
export const ADB_METHOD = 'steady-state-caffe2';

export interface AdbCampaignOptions {
  workspaceRoot: string;
  networkFile: string;
  /** The target's name in energyLens.targets. */
  targetName: string;
  device: AdbDevice;
  power: AdbPowerSource;
  analysis?: { phase: 'TEST' | 'TRAIN'; batch: number };
  steadyMs?: number;
  idleMs?: number;
  layers?: string[];
  signal?: AbortSignal;
  onLayer?(r: AdbLayerResult): void;
  now?: Date;
}

export interface AdbCampaignOutcome {
  /** Absent when the campaign failed before its first record (nothing was written). */
  recordsFile?: string;
  status: 'complete' | 'failed' | 'cancelled';
  layersMeasured: number;
  layersPlanned: number;
  message?: string;
}

async function deviceFacts(device: AdbDevice, signal?: AbortSignal): Promise<Record<string, string>> {
  const names = [
    'ro.product.model',
    'ro.board.platform',
    'ro.build.version.release',
    'ro.hardware',
    'energylens.emulated',
    'energylens.time_scale',
  ];
  const r = await device.shell(names.map((n) => `getprop ${n}`).join('; '), { signal });
  const values = r.stdout.split('\n');
  return Object.fromEntries(names.map((n, i) => [n, (values[i] ?? '').trim()]));
}

function powerInfo(source: AdbPowerSource, report?: PowerSourceReport): PowerSourceInfo {
  const info: PowerSourceInfo = { kind: source.kind };
  if (source.kind === 'external-probe') info.command = source.command;
  if (report?.sampleRate_Hz) info.sampleRate_Hz = report.sampleRate_Hz;
  if (report?.battery) info.battery = report.battery;
  if (report?.updatePeriod_ms) info.updatePeriod_ms = report.updatePeriod_ms;
  if (report?.dischargeSign) info.dischargeSign = report.dischargeSign;
  return info;
}

export async function runAdbCampaign(o: AdbCampaignOptions): Promise<AdbCampaignOutcome> {
  const now = o.now ?? new Date();
  const analysis = o.analysis ?? { phase: 'TEST', batch: 1 };
  const text = fs.readFileSync(o.networkFile, 'utf8');
  const translation = translateToCaffe2(text, analysis);
  const network = networkInfo(o.workspaceRoot, o.networkFile, text, analysis);
  await o.device.ensureReady(o.signal);
  const facts = await deviceFacts(o.device, o.signal);
  const emulated = facts['energylens.emulated'] === '1';
  const timeScale = Number(facts['energylens.time_scale']);
  const folder = measurementsFolder(o.workspaceRoot);
  const recordsFile = path.join(folder, campaignFileName(o.networkFile, o.targetName, now));
  const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-adb-'));
  let writer: CampaignRecordWriter | undefined;
  let measured = 0;
  const at = () => new Date().toISOString();
  const layerIndex = new Map(network.layers.map((l, i) => [l.name, i]));
  const planned = translation.layers.map((l) => l.layer).filter((n) => !o.layers || o.layers.includes(n));
  try {
    const result = await measureOverAdb({
      device: o.device,
      translation,
      power: o.power,
      localDir,
      steadyMs: o.steadyMs,
      idleMs: o.idleMs,
      layers: o.layers,
      signal: o.signal,
      onPowerSource(report) {
        // The header waits for the power source: it records what was detected (sign, period, rate).
        const header: CampaignHeader = {
          type: 'campaign',
          format: 'energy-lens-measurements',
          version: 1,
          id: newCampaignId(now),
          created: now.toISOString(),
          target: { name: o.targetName, kind: 'snapdragon-820', host: o.device.serial, device: 'cpu', threads: 1 },
          probe: facts,
          emulated,
          platform: {
            id: platformId({ board: 'snapdragon-820', backend: ADB_BACKEND, device: 'cpu' }),
            board: 'snapdragon-820',
            backend: ADB_BACKEND,
            device: 'cpu',
            batch: analysis.batch,
          },
          powerSource: powerInfo(o.power, report),
          network,
          method: {
            requested: 'steady-state',
            repetitions: 1,
            minLoop_s: (o.steadyMs ?? 3000) / 1000,
            idle_s: (o.idleMs ?? 2000) / 1000,
            netCheck: false,
            agentArgs: [],
          },
        };
        if (emulated) header.emulator = { timeScale: timeScale > 0 ? timeScale : null };
        writer = CampaignRecordWriter.create(recordsFile, header);
        writer.append({
          type: 'session',
          session: 1,
          at: at(),
          resumed: false,
          agent: 'energy-lens-adb',
          method: ADB_METHOD,
          board: facts['ro.product.model'] || null,
          l4t: null,
          rails: ['battery'],
          totalRail: 'battery',
          planned,
          skipped: [],
        });
        writer.append({
          type: 'idle',
          session: 1,
          at: at(),
          power_mW: report.idle_power_mW,
          window_s: report.updatePeriod_ms ? report.updatePeriod_ms / 1000 : 1 / (report.sampleRate_Hz ?? 1000),
          duration_s: (o.idleMs ?? 2000) / 1000,
        });
      },
      onLayer(r) {
        const planLayer = translation.layers.find((l) => l.layer === r.name);
        const analysed = network.layers[layerIndex.get(r.name) ?? 0];
        const record: LayerRecord = {
          type: 'layer',
          session: 1,
          at: at(),
          name: r.name,
          layerType: planLayer?.layerType ?? analysed?.type ?? null,
          index: layerIndex.get(r.name) ?? 0,
          method: ADB_METHOD,
          time_ms: r.time_ms,
          power_mW: r.power_mW,
          rails_mW: { battery: r.power_mW },
          idle_power_mW: r.idle_power_mW,
          energy_mJ: r.energy_mJ,
          dynamic_energy_mJ: r.dynamic_energy_mJ,
          spread: {},
          repetitions: 1,
          calls: r.iterations,
          settled: true,
          inPlace: planLayer
            ? planLayer.ops.some((k) => translation.predictNet.op[k].input[0] === translation.predictNet.op[k].output[0])
            : false,
        };
        writer!.append(record);
        measured++;
        o.onLayer?.(r);
      },
    });
    writer?.append({ type: 'end', session: 1, at: at(), status: 'complete', layersMeasured: result.layers.length });
    return { recordsFile, status: 'complete', layersMeasured: measured, layersPlanned: planned.length };
  } catch (e) {
    const cancelled = o.signal?.aborted === true;
    const message = e instanceof Error ? e.message : String(e);
    writer?.append({ type: 'end', session: 1, at: at(), status: cancelled ? 'cancelled' : 'failed', message, layersMeasured: measured });
    return {
      recordsFile: writer ? recordsFile : undefined,
      status: cancelled ? 'cancelled' : 'failed',
      layersMeasured: measured,
      layersPlanned: planned.length,
      message,
    };
  } finally {
    writer?.close();
    fs.rmSync(localDir, { recursive: true, force: true });
  }
}
