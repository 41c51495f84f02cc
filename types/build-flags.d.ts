// Set by esbuild's `define` (esbuild.mjs): true in test builds, false in the shipped extension, where the
// code it guards is removed. Unit tests (tsx, no bundler) set it on globalThis in test/unit/setup.js.
declare const ENERGY_LENS_TEST_HOOKS: boolean;
