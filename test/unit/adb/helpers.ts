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
