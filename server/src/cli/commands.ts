// The table of CLI commands; each lives in its own module and is callable in-process by tests.
import type { CliCommand } from './io';
import { check } from './check';

export const COMMANDS: Record<string, CliCommand> = {
  check,
};

const SUMMARY: Record<string, string> = {
  check: 'check FILE...            print diagnostics as file:line:col: severity: message; exit 1 on errors',
};

export function usage(): string {
  return ['Usage: energy-lens <command> [options]', '', 'Commands:',
    ...Object.keys(COMMANDS).map((c) => `  ${SUMMARY[c] ?? c}`), ''].join('\n');
}
