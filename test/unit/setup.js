// Unit tests run the TypeScript sources through tsx; this hook makes `import x from './a.proto'`
// behave as the esbuild bundle does (the file's text as the default export).
const fs = require('fs');
require.extensions['.proto'] = (module, filename) => {
  module.exports = { __esModule: true, default: fs.readFileSync(filename, 'utf8') };
};
// What esbuild's `define` gives test builds (esbuild.mjs): test-only hooks are compiled in.
globalThis.ENERGY_LENS_TEST_HOOKS = true;
