// The mocha loader VS Code calls inside the extension host (extensionTestsPath points at the
// bundle of this file). Runs every out/test/integration/*.test.js beside it, reports to the
// console, and writes pass/fail counts to $ENERGY_LENS_TEST_REPORT for the harness's summary.
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.ENERGY_LENS_MOCHA_TIMEOUT_MS ?? 60_000),
    grep: process.env.ENERGY_LENS_GREP || undefined,
  });
  // helpers.js and this index are bundles too: only *.test.js are test files.
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js in ${__dirname}: run \`npm run build\``));
      return;
    }
    try {
      const runner = mocha.run((failures) => {
        const report = process.env.ENERGY_LENS_TEST_REPORT;
        const stats = runner.stats ?? { passes: 0, failures };
        if (report) fs.writeFileSync(report, JSON.stringify({ passed: stats.passes, failed: stats.failures }));
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
