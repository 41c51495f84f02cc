// What the installed-package runner (test/harness/run-package-test.ts) hands its tests: the folder
// code-server installed the .vsix into, and the emulated board's target. Shared through a global,
// like the UI session, because each test bundle has its own copy of this module.
export interface PackageRun {
  /** <extensions dir>/energy-lens.energy-lens-<version>, made by `code-server --install-extension`. */
  installedDir: string;
  /** The .vsix that was installed. */
  vsix: string;
  /** Folder the workbench opened. */
  workspace: string;
}

const KEY = '__energyLensPackageRun';

export function publishPackageRun(run: PackageRun | undefined): void {
  (globalThis as Record<string, unknown>)[KEY] = run;
}

export function currentPackageRun(): PackageRun {
  const run = (globalThis as Record<string, unknown>)[KEY] as PackageRun | undefined;
  if (!run) throw new Error('no installed package: run through `node out/test/harness/run-package-test.js`');
  return run;
}
