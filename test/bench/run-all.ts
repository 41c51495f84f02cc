// `npm run bench`: every benchmark, each in its own Node process (isolated memory and JIT state),
// one after another so they do not compete for the two cores.
import { spawnSync } from 'child_process';
import * as path from 'path';

const BENCHES = [
  'parse-bench',
  'net-bench',
  'lsp-bench',
  'fit-bench',
  'search-bench',
  'caffemodel-bench',
  'line-splitter-bench',
  'records-bench',
  'scale-bench',
  'package-bench',
];

let failed = 0;
for (const name of BENCHES) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, `${name}.js`), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    failed++;
    console.log(`${name}: exited with ${result.status ?? result.signal}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
