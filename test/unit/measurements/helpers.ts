// Builders of valid records for the records-format tests (each test changes what it examines).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  RECORDS_FORMAT,
  RECORDS_VERSION,
  networkTextSha256,
  type CampaignHeader,
  type EndRecord,
  type LayerRecord,
  type SessionRecord,
} from '../../../server/src/measurements';

export const NET_TEXT = 'name: "tiny"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n';

export function tempFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-records-'));
}

export function header(over: Partial<CampaignHeader> = {}, text = NET_TEXT): CampaignHeader {
  return {
    type: 'campaign',
    format: RECORDS_FORMAT,
    version: RECORDS_VERSION,
    id: '20240101T000000Z-abcd',
    created: '2024-01-01T00:00:00.000Z',
    target: { name: 'tx1', kind: 'jetson-tx1', host: 'tx1.local', device: 'cpu', threads: 1 },
    probe: { agent: '1.0.0' },
    emulated: true,
    network: {
      path: 'nets/tiny.prototxt',
      name: 'tiny',
      sha256: networkTextSha256(text),
      analysis: { phase: 'TEST', batch: 1 },
      layers: [
        { name: 'conv1', type: 'Convolution', features: { macs: 1000 } },
        { name: 'relu1', type: 'ReLU', features: { macs: 0 } },
      ],
    },
    method: { requested: 'auto', repetitions: 3, minLoop_s: 2, netCheck: true, agentArgs: ['--cpu'] },
    ...over,
  };
}

export function session(n: number, planned: string[], skipped: string[] = []): SessionRecord {
  return {
    type: 'session',
    session: n,
    at: `2024-01-01T00:0${n}:00.000Z`,
    resumed: n > 1,
    agent: '1.0.0',
    method: 'steady-state',
    rails: ['VDD_IN'],
    totalRail: 'VDD_IN',
    planned,
    skipped,
  };
}

export function layer(name: string, energy: number, sessionNo = 1, spread = 0): LayerRecord {
  return {
    type: 'layer',
    session: sessionNo,
    at: `2024-01-01T00:0${sessionNo}:30.000Z`,
    name,
    layerType: 'Convolution',
    index: 1,
    method: 'steady-state',
    time_ms: 2,
    power_mW: (energy / 2) * 1000,
    rails_mW: { VDD_IN: (energy / 2) * 1000 },
    idle_power_mW: 1000,
    energy_mJ: energy,
    dynamic_energy_mJ: energy - 2,
    spread: { energy_mJ: spread },
    repetitions: 3,
    calls: 300,
    settled: true,
    inPlace: false,
  };
}

export function end(status: EndRecord['status'], sessionNo: number, layersMeasured: number): EndRecord {
  return { type: 'end', session: sessionNo, at: `2024-01-01T00:0${sessionNo}:59.000Z`, status, layersMeasured };
}

export function jsonl(...records: object[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}
