// A private adb server per test file (its own port, killed afterwards) and emulated phones.
import { execFileSync } from 'child_process';
import * as net from 'net';
import type { AdbClientOptions } from '../../../client/src/board/adb';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function privateAdbServer(): Promise<AdbClientOptions & { serverPort: number; kill(): void }> {
  const serverPort = await freePort();
  // Start it now, so nothing else (an emulated phone's adbd, another fixture) takes the free port before
  // the first adb command would start it: a CI run met "protocol fault" from a port taken meanwhile.
  try {
    execFileSync('adb', ['-P', String(serverPort), 'start-server'], { stdio: 'ignore', timeout: 20000 });
  } catch {
    /* the first command starts it, as before */
  }
  return {
    serverPort,
    kill() {
      try {
        execFileSync('adb', ['-P', String(serverPort), 'kill-server'], { stdio: 'ignore', timeout: 10000 });
      } catch {
        /* not running */
      }
    },
  };
}
