// Command-line options shared by the commands that work on one network (`analyze`, `predict`).
import type { AnalyzeOptions } from '../net/types';

export type OutputFormat = 'table' | 'json' | 'csv' | 'markdown';

export interface NetworkArgs {
  file: string;
  format: OutputFormat;
  options: AnalyzeOptions;
  /** Command-specific `--flag value` pairs this parser was told about. */
  extra: Map<string, string>;
}

/**
 * Parses `FILE [--json|--csv|--markdown] [--input-shape N,C,H,W] [--phase TEST|TRAIN] [--batch N]` plus
 * the command's own value flags (`extraFlags`). Returns a message for the user on bad input.
 */
export function parseNetworkArgs(args: string[], allowedFormats: OutputFormat[], extraFlags: string[] = []): NetworkArgs | string {
  let file: string | undefined;
  let format: OutputFormat = 'table';
  const options: AnalyzeOptions = {};
  const extra = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? args[++i];
    const asFormat = flag.startsWith('--') ? (flag.slice(2) as OutputFormat) : undefined;
    if (asFormat && asFormat !== 'table' && allowedFormats.includes(asFormat)) format = asFormat;
    else if (flag === '--input-shape') {
      const v = value();
      const dims = v?.split(/[,x]/).map((d) => Number(d.trim()));
      if (!dims || dims.some((d) => !Number.isInteger(d) || d <= 0))
        return `--input-shape needs positive integers like 1,3,224,224 (got '${v ?? ''}')`;
      options.inputShape = dims;
    } else if (flag === '--phase') {
      const v = value()?.toUpperCase();
      if (v !== 'TEST' && v !== 'TRAIN') return `--phase must be TEST or TRAIN (got '${v ?? ''}')`;
      options.phase = v;
    } else if (flag === '--batch') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) return `--batch needs a positive integer (got '${v ?? ''}')`;
      options.batch = n;
    } else if (extraFlags.includes(flag)) {
      const v = value();
      if (v === undefined) return `${flag} needs a value`;
      extra.set(flag, v);
    } else if (flag.startsWith('-')) {
      return `unknown option '${arg}'`;
    } else if (file === undefined) {
      file = arg;
    } else {
      return `only one FILE may be given (got '${file}' and '${arg}')`;
    }
  }
  if (!file) return 'no FILE given';
  return { file, format, options, extra };
}
