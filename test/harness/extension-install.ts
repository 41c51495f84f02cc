// Puts the repo's built extension into an extensions dir as `<publisher>.<name>-<version>`,
// the way an installed VSIX looks (code-server rejects --extensionDevelopmentPath). The files
// are exactly those the VSIX would ship: vsce's own listing, which honours .vscodeignore.
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';

export interface ExtensionManifest { publisher: string; name: string; version: string; main?: string }

interface Vsce { listFiles(options: { cwd: string; packageManager: 'none' }): Promise<string[]> }

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
