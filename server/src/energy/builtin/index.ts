// The built-in models, bundled as JSON (written by scripts/fit-builtin-models.ts; do not edit by
// hand) and validated like any model file, so a malformed built-in fails loudly at startup and in tests.
import type { EnergyModel } from '../model';
import { validateModel } from '../load-model';
import tx1CpuOpenblas from './jetson-tx1_caffe-openblas_cpu_1t.json';
import tx1GpuCudnn from './jetson-tx1_caffe-cudnn_gpu.json';
import tx1CpuEigen from './jetson-tx1_caffe2-eigen_cpu.json';
import tx2Gpu from './jetson-tx2_pytorch-cuda_gpu.json';
import tx2Cpu from './jetson-tx2_pytorch_cpu.json';
import sd820 from './snapdragon-820_caffe2-eigen_cpu.json';

const FILES: Array<[string, unknown]> = [
  ['jetson-tx1_caffe-openblas_cpu_1t.json', tx1CpuOpenblas],
  ['jetson-tx1_caffe-cudnn_gpu.json', tx1GpuCudnn],
  ['jetson-tx1_caffe2-eigen_cpu.json', tx1CpuEigen],
  ['jetson-tx2_pytorch-cuda_gpu.json', tx2Gpu],
  ['jetson-tx2_pytorch_cpu.json', tx2Cpu],
  ['snapdragon-820_caffe2-eigen_cpu.json', sd820],
];

export const BUILTIN_MODELS: ReadonlyArray<{ name: string; model: EnergyModel }> = FILES.map(([name, json]) => {
  const result = validateModel(json, `built-in ${name}`);
  if ('error' in result) throw new Error(result.error);
  return { name, model: result.model };
});

/** The platform predictions use when the user picked none (matches the setting's default). */
export const DEFAULT_PLATFORM_ID = 'jetson-tx1/caffe-openblas/cpu/1t';
