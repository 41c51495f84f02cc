// Starts the two servers of the code-server package on 127.0.0.1 under Node 24:
// VS Code's own server (mode A, where extension API tests run) and code-server (mode B, the
// workbench a person sees). Both return once the server answers HTTP.
import * as fs from 'fs';
import * as path from 'path';
import { Toolchain } from './ensure-install';
import { RunningProcess, freePort, startProcess, waitForHttp } from './processes';
import { Profile } from './vscode-profile';

const READY_TIMEOUT_MS = 60_000;

export interface StartedServer {
  port: number;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  process: RunningProcess;
  stop(): Promise<void>;
}

export interface ServerOptions {
  tools: Toolchain;
  profile: Profile;
  port?: number;
  /** Receives every server output line; default: echo to stderr with a prefix. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  env?: NodeJS.ProcessEnv;
}

async function started(process: RunningProcess, port: number, readyPath: string): Promise<StartedServer> {
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url + readyPath, READY_TIMEOUT_MS, process.exited);
  } catch (err) {
    await process.stop();
    throw err;
  }
  return { port, url, process, stop: () => process.stop() };
}

/** Mode A: `server-main.js` with the smoke-test driver enabled, no connection token. */
export async function startVsCodeServer(options: ServerOptions): Promise<StartedServer> {
  const { tools, profile } = options;
  const port = options.port ?? (await freePort());
  const args = [
    tools.vscodeServerMain,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--server-data-dir',
    profile.serverDataDir,
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
  ];
  const child = startProcess(tools.node24, args, {
    label: 'vscode-server',
    env: { ...profile.env, ...options.env },
    cwd: profile.home,
    onLine: options.onLine,
  });
  return started(child, port, '/version');
}

/** Mode B: code-server with no auth, opening `folder`. */
export async function startCodeServer(options: ServerOptions & { folder: string }): Promise<StartedServer> {
  const { tools, profile } = options;
  const port = options.port ?? (await freePort());
  const config = path.join(profile.root, 'code-server.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    tools.codeServerEntry,
    '--config',
    config,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
    options.folder,
  ];
  // code-server lets $PORT override --bind-addr (and `npm start` takes PORT for the demo): keep it out.
  const { PORT: _port, ...env } = { ...profile.env, ...options.env };
  const child = startProcess(tools.node24, args, {
    label: 'code-server',
    env,
    cwd: profile.home,
    onLine: options.onLine,
  });
  return started(child, port, '/healthz');
}
