// A throw-away profile for one VS Code run: its own HOME/XDG dirs (so nothing is written into the
// real home), user data, server data and extensions dirs, and settings that keep the screen
// clean and the workspace trusted (Restricted Mode would disable the extension).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const CLEAN_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

function privateDir(p: string): string {
  fs.chmodSync(p, 0o700); // XDG_RUNTIME_DIR must be private or chromium complains
  return p;
}

export interface Profile {
  root: string;
  home: string;
  userDataDir: string;
  serverDataDir: string;
  extensionsDir: string;
  /** The process environment for VS Code/code-server/chromium with HOME and XDG_* inside the profile. */
  env: NodeJS.ProcessEnv;
  /** Deletes the profile (best effort). */
  remove(): void;
}

export interface ProfileOptions {
  /** Extra settings on top of CLEAN_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Use this folder as the profile root instead of a fresh temp dir (kept between runs). */
  root?: string;
  /** Use these instead of folders inside the profile (as given by a caller's --user-data-dir etc.). */
  userDataDir?: string;
  extensionsDir?: string;
}

export function createProfile(prefix: string, options: ProfileOptions = {}): Profile {
  const base = options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const dir = (...parts: string[]) => {
    const p = path.isAbsolute(parts[0]) ? path.join(...parts) : path.join(base, ...parts);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };
  const home = dir('home');
  const userDataDir = dir(options.userDataDir ?? 'user-data');
  const serverDataDir = dir('server-data');
  const extensionsDir = dir(options.extensionsDir ?? 'extensions');
  const settings = options.settings ?? {};
  const allSettings = JSON.stringify({ ...CLEAN_SETTINGS, ...settings }, null, 2);
  // code-server reads <user-data>/User; VS Code's server applies <server-data>/data/Machine to the remote.
  fs.writeFileSync(path.join(dir(userDataDir, 'User'), 'settings.json'), allSettings);
  fs.writeFileSync(path.join(dir('server-data', 'data', 'Machine'), 'settings.json'), allSettings);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: dir('home', '.config'),
    XDG_DATA_HOME: dir('home', '.local', 'share'),
    XDG_CACHE_HOME: dir('home', '.cache'),
    XDG_RUNTIME_DIR: privateDir(dir('home', '.run')),
    EXTENSIONS_GALLERY: '{}',
    VSCODE_CLI: undefined,
    ELECTRON_RUN_AS_NODE: undefined,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return {
    root: base,
    home,
    userDataDir,
    serverDataDir,
    extensionsDir,
    env,
    remove: () => fs.rmSync(base, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** Workspace settings: these reach the extension even where user settings live in the browser. */
export function writeWorkspaceSettings(folder: string, settings: Record<string, unknown>): void {
  const dir = path.join(folder, '.vscode');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
}
