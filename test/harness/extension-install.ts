// Puts the repo's built extension into an extensions dir as `<publisher>.<name>-<version>`,
// the way an installed VSIX looks (code-server rejects --extensionDevelopmentPath). The files
// are exactly those the VSIX would ship: vsce's own listing, which honours .vscodeignore.
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import type { Toolchain } from './ensure-install';
import { startProcess, withTimeout } from './processes';
import type { Profile } from './vscode-profile';

export interface ExtensionManifest {
  publisher: string;
  name: string;
  version: string;
  main?: string;
}

interface Vsce {
  listFiles(options: { cwd: string; packageManager: 'none' }): Promise<string[]>;
}

export function readManifest(extensionRoot: string): ExtensionManifest {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8')) as ExtensionManifest;
  if (!manifest.publisher || !manifest.name || !manifest.version) {
    throw new Error(`${extensionRoot}/package.json lacks publisher, name or version`);
  }
  return manifest;
}

/** The files (relative paths) the extension's VSIX would contain, without node_modules. */
export async function shippedFiles(extensionRoot: string): Promise<string[]> {
  // Loaded from the extension's own node_modules at run time (a devDependency), not bundled.
  const vsce = createRequire(path.join(extensionRoot, 'package.json'))('@vscode/vsce') as Vsce;
  return vsce.listFiles({ cwd: extensionRoot, packageManager: 'none' });
}

/** Copies the shipped files and returns the installed folder. Fails if the bundle is not built. */
export async function installUnpackedExtension(extensionRoot: string, extensionsDir: string): Promise<string> {
  const manifest = readManifest(extensionRoot);
  if (manifest.main && !fs.existsSync(path.resolve(extensionRoot, manifest.main))) {
    throw new Error(`${manifest.main} is not built: run \`npm run build\` first`);
  }
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.rmSync(target, { recursive: true, force: true });
  for (const file of await shippedFiles(extensionRoot)) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(extensionRoot, file), path.join(target, file));
  }
  return target;
}

/** The .vsix `npm run package` writes for this manifest (at the repo root). */
export function builtVsixPath(extensionRoot: string): string {
  const manifest = readManifest(extensionRoot);
  return path.join(extensionRoot, `${manifest.name}-${manifest.version}.vsix`);
}

/**
 * Installs a .vsix as a user would: `code-server --install-extension file.vsix` into the profile's
 * extensions dir. Returns the installed folder; fails with code-server's output if it did not install.
 */
export async function installVsix(tools: Toolchain, profile: Profile, vsix: string): Promise<string> {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const lines: string[] = [];
  const child = startProcess(
    tools.node24,
    [tools.codeServerEntry, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir, '--install-extension', vsix],
    { label: 'code-server --install-extension', env: profile.env, cwd: profile.home, onLine: (l) => lines.push(l) },
  );
  const code = await withTimeout(child.exited, 120_000, 'code-server --install-extension');
  const installed = fs.readdirSync(profile.extensionsDir).filter((d) => fs.existsSync(path.join(profile.extensionsDir, d, 'package.json')));
  if (code !== 0 || installed.length !== 1) {
    throw new Error(
      `installing ${path.basename(vsix)} failed (exit ${code}, installed: ${installed.join(', ') || 'nothing'}):\n${lines.join('\n')}`,
    );
  }
  return path.join(profile.extensionsDir, installed[0]);
}
