// `energy-lens platforms [--model-files a,b] [--json]`: the energy models available for predictions:
// built-ins, model files given on the command line, and `.energy-lens/models/` of the current folder.
import type { CliCommand } from './io';
import { buildRegistry, describeSource } from '../energy/registry';
import { formatFormula } from '../energy/formula';

export const platforms: CliCommand = async (args, io) => {
  const json = args.includes('--json');
  const filesFlag = args.indexOf('--model-files');
  const modelFiles = filesFlag >= 0 ? (args[filesFlag + 1] ?? '').split(',').filter(Boolean) : [];
  const registry = buildRegistry({ modelFiles, workspaceFolders: [io.cwd] });
  for (const p of registry.problems) io.stderr(`warning: ${p.message}\n`);
  const entries = registry.list();
  if (json) {
    io.stdout(
      `${JSON.stringify(
        entries.map((e) => ({
          id: e.model.platform.id,
          label: e.model.platform.label,
          calibration: e.model.platform.calibration,
          source: describeSource(e),
          subModels: Object.keys(e.model.subModels),
        })),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  for (const e of entries) {
    const p = e.model.platform;
    io.stdout(`${p.id}\n  ${p.label} · ${p.calibration} calibration · ${describeSource(e)}\n`);
    for (const [type, sub] of Object.entries(e.model.subModels)) {
      io.stdout(`    ${type}: ${formatFormula(sub)}${sub.extrapolated ? ' (extrapolated)' : ''}\n`);
    }
  }
  return 0;
};
