// `npm start`: a real VS Code (code-server) on 127.0.0.1 with Energy Lens installed and a
// workspace of generated sample networks, until Ctrl-C. Port from $PORT (default 8080; a free
// one if that is taken). The workspace persists in <cache>/demo-workspace.
import * as path from 'path';
import { startEmulatedBoardHost } from './emulated-board-host';
import { ensureInstalled } from './ensure-install';
import { installUnpackedExtension } from './extension-install';
import { CACHE, REPO_ROOT, VSCODE_VERSION } from './harness-paths';
import { freePort, isPortFree } from './processes';
import { prepareWorkspace } from './test-workspace';
import { createProfile } from './vscode-profile';
import { startCodeServer } from './vscode-servers';

const DEMO_WORKSPACE = process.env.ENERGY_LENS_DEMO_WORKSPACE ?? path.join(CACHE, 'demo-workspace');

interface DemoBoards {
  /** Entries for the `energyLens.targets` workspace setting. */
  targets: unknown[];
  stop(): Promise<void>;
}

// ======================================================================================
// The emulated board behind a real sshd; its target entry goes into the demo workspace's
// `energyLens.targets` setting, and it is stopped on Ctrl-C.
async function startDemoBoards(stateDir: string): Promise<DemoBoards> {
  void stateDir; // the board host keeps its keys and logs in its own temporary folder
  // 10x faster than real time, so a SqueezeNet campaign takes a couple of minutes, not fifteen.
  const host = await startEmulatedBoardHost({ kind: 'jetson-tx1', timeScale: 0.1, name: 'demo TX1, 10x speed' });
  console.log(`[demo] emulated Jetson TX1 behind sshd on ${host.sshd.host}:${host.sshd.port}`);
  return { targets: [host.target], stop: host.stop };
}
// ======================================================================================

async function choosePort(): Promise<number> {
  const wanted = Number(process.env.PORT ?? 8080);
  if (Number.isInteger(wanted) && wanted > 0 && (await isPortFree(wanted))) return wanted;
  const port = await freePort();
  console.log(`[demo] port ${wanted} is taken; using ${port}`);
  return port;
}

async function main(): Promise<void> {
  const tools = ensureInstalled();
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\n[demo] stopping...');
    for (const stop of stops.splice(0).reverse()) await stop().catch((err) => console.error(`[demo] ${err}`));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  try {
    const boards = await startDemoBoards(path.join(CACHE, 'demo-board'));
    stops.push(() => boards.stop());
    // The Welcome page opens, listing Energy Lens's Getting Started walkthrough (contributes.walkthroughs).
    const settings: Record<string, unknown> = {
      'energyLens.phase': 'TEST',
      'energyLens.batchSize': 1,
      'workbench.startupEditor': 'welcomePage',
    };
    if (boards.targets.length > 0) settings['energyLens.targets'] = boards.targets;
    prepareWorkspace(DEMO_WORKSPACE, { corpus: false, settings });
    const profile = createProfile('energy-lens-demo');
    stops.push(async () => profile.remove());
    await installUnpackedExtension(REPO_ROOT, profile.extensionsDir);
    const server = await startCodeServer({
      tools,
      profile,
      folder: DEMO_WORKSPACE,
      port: await choosePort(),
      onLine: (line) => {
        if (process.env.ENERGY_LENS_VERBOSE === '1') console.log(`[code-server] ${line}`);
      },
    });
    stops.push(() => server.stop());
    void server.process.exited.then((code) => {
      if (stopping) return;
      console.error(`[demo] code-server exited by itself (${code})`);
      void stopAll(1);
    });
    const url = `${server.url}/?folder=${encodeURIComponent(DEMO_WORKSPACE).replace(/%2F/g, '/')}`;
    const rule = '='.repeat(Math.min(100, url.length + 4));
    console.log(`\n${rule}\n  Energy Lens demo (VS Code ${VSCODE_VERSION} in the browser, code-server)\n  ${url}\n${rule}`);
    console.log(`[demo] workspace: ${DEMO_WORKSPACE} (sample networks in samples/)`);
    console.log('[demo] Ctrl-C to stop.');
  } catch (err) {
    console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
  }
}

void main();
