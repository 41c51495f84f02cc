// Synthetic datasets for the panel tests: energies that follow a known law, so the expected fit,
// curve and totals are known exactly.
import type { Dataset } from '../../../server/src/energy/fit/dataset';

/** E = a·macs (+ b·channelsIn) per type, with optional multiplicative noise from a fixed sequence. */
export function lawDataset(options: {
  rows: number;
  groups?: number;
  noise?: number;
  types?: Record<string, number>;
  channelsCoefficient?: number;
}): Dataset {
  const types = options.types ?? { Convolution: 2e-6, InnerProduct: 5e-6 };
  const names = Object.keys(types);
  const rows: Dataset['rows'] = [];
  for (let i = 0; i < options.rows; i++) {
    const type = names[i % names.length];
    const macs = 1000 * (1 + ((i * 7919) % 9973)) * (1 + (i % 13));
    const channelsIn = 3 + ((i * 31) % 509);
    const wobble = options.noise ? 1 + options.noise * Math.sin(i * 12.9898) : 1;
    const target = (types[type] * macs + (options.channelsCoefficient ?? 0) * channelsIn) * wobble;
    rows.push({
      values: [macs, channelsIn],
      target,
      type,
      ...(options.groups ? { group: `net${i % options.groups}` } : {}),
      source: { file: 'law.csv', line: i + 2 },
    });
  }
  return { features: ['macs', 'channelsIn'], target: 'energy_mJ', rows };
}
