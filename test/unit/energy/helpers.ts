// Small builders for the energy tests: datasets from plain objects, analysed layers, models.
import type { AnalyzedLayer, LayerFeatures } from '../../../server/src/net/types';
import type { Dataset } from '../../../server/src/energy/fit/dataset';
import type { EnergyModel, SubModel } from '../../../server/src/energy/model';

export function dataset(features: string[], rows: Array<{ x: number[]; y: number; type?: string; group?: string }>): Dataset {
  return {
    features,
    target: 'energy_mJ',
    rows: rows.map((r, i) => ({
      values: r.x,
      target: r.y,
      type: r.type ?? 'Convolution',
      group: r.group,
      source: { file: 'test.csv', line: i + 2 },
    })),
  };
}

export function layer(name: string, type: string, features: LayerFeatures, extra: Partial<AnalyzedLayer> = {}): AnalyzedLayer {
  return { name, type, bottoms: [], tops: [name], outputShapes: [], features, isSplit: false, ...extra };
}

export function subModel(overrides: Partial<SubModel> = {}): SubModel {
  return {
    features: ['macs'],
    coefficients: [2e-6],
    intercept: 0,
    sigmaLog: 0.2,
    samples: 10,
    extrapolated: false,
    provenance: { family: 'layer-type', method: 'ols', spreadFrom: 'test' },
    ...overrides,
  };
}

export function model(subModels: Record<string, SubModel>, id = 'test/board/cpu'): EnergyModel {
  return {
    formatVersion: 1,
    platform: { id, label: 'Test board', board: 'test', framework: 'none', device: 'cpu', calibration: 'fitted' },
    energyUnit: 'mJ',
    subModels,
    provenance: { generator: 'test' },
  };
}

/** Deterministic pseudo-random numbers for synthetic data (tests must not depend on Math.random). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
