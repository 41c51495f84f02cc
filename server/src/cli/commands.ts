// The table of CLI commands; each lives in its own module and is callable in-process by tests.
import type { CliCommand } from './io';
import { check } from './check';
import { analyze, USAGE as ANALYZE_USAGE } from './analyze';
import { fit, USAGE as FIT_USAGE } from './fit';
import { platforms } from './platforms';
import { predict, USAGE as PREDICT_USAGE } from './predict';
import { profile } from './profile';
import { PROFILE_USAGE } from './profile-args';

export const COMMANDS: Record<string, CliCommand> = {
  check,
  analyze,
  predict,
  platforms,
  fit,
  profile,
};

const SUMMARY: Record<string, string> = {
  check: 'check FILE...            print diagnostics as file:line:col: severity: message; exit 1 on errors',
  analyze: 'analyze FILE [--json] [--input-shape N,C,H,W] [--phase TEST|TRAIN] [--batch N]   shapes, MACs, params per layer',
  predict:
    'predict FILE [--platform ID] [--json|--csv|--markdown] [--budget-mj X] [--budget-ms T] [--modes all|0,1,2]   per-layer predicted energy and latency (--modes: per power mode, the recommended one); exit 3 over the energy budget, 5 over the latency budget, 4 not fully predicted, 1 errors in the file',
  platforms: 'platforms [--json] [--model-files a,b]   energy models available (built-in, files, .energy-lens/models)',
  fit: 'fit DATA... [--quantity energy|latency] [--target COL] [--features a,b] [--family layer-type|individual] [--method ...] [--cv ...] [--json] [--out model.json]',
  profile:
    'profile NET... (--target NAME|user@host[:port] | --emulated [tx1|tx2|orin]) [--targets FILE] [--out DIR] [--resume] [--accept-new] [--json]\n' +
    '                           measure every layer on a board; records in .energy-lens/measurements/ (profile --help for run options and exit codes)',
};

/** Each command's full usage (what `energy-lens <command> --help` prints). */
export const HELP: Record<string, string> = {
  check:
    'usage: energy-lens check FILE...\n\nPrints the diagnostics of each prototxt/caffemodel as file:line:col: severity: message; exit 1 when any is an error.',
  analyze: ANALYZE_USAGE,
  predict: PREDICT_USAGE,
  platforms:
    'usage: energy-lens platforms [--json] [--model-files a,b]\n\nLists the energy models available: built-in, --model-files, and .energy-lens/models of the current folder.',
  fit: FIT_USAGE,
  profile: PROFILE_USAGE,
};

/** `--help` or `-h` anywhere among a command's arguments. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

export function usage(): string {
  return [
    'Usage: energy-lens <command> [options]   (energy-lens <command> --help for one command)',
    '',
    'Commands:',
    ...Object.keys(COMMANDS).map((c) => `  ${SUMMARY[c] ?? c}`),
    '',
    'Options of each command:',
    '',
    ...Object.keys(COMMANDS).map((c) => `${(HELP[c] ?? c).split('\n\nExit codes')[0]}\n`),
    '',
  ].join('\n');
}
