// An emulated external Energy Probe in the phone's battery line: a TCP source on 127.0.0.1 that
// streams CSV samples (header `time_s,voltage_V,current_A,power_W`, 1 kHz, time from the start of
// the capture on the probe's own clock) to each connected capture command, e.g.
// `node -e "require('net').connect(PORT,'127.0.0.1').pipe(process.stdout)"`.
import { createHash } from 'crypto';
import * as net from 'net';
import { PowerTimeline, nowMs } from './power-timeline';

const SAMPLE_MS = 1;
const BATCH_MS = 20;
const NOISE = 0.004;

export class EmulatedEnergyProbe {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly timeline: PowerTimeline,
    private readonly voltageV = 3.87,
  ) {
    this.server = net.createServer((socket) => this.capture(socket));
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  private capture(socket: net.Socket): void {
    this.sockets.add(socket);
    const start = nowMs();
    let next = start;
    let n = 0;
    socket.write('time_s,voltage_V,current_A,power_W\n');
    const timer = setInterval(() => {
      const now = nowMs();
      let out = '';
      while (next + SAMPLE_MS <= now) {
        const mw = this.timeline.averageMw(next, next + SAMPLE_MS);
        const h = createHash('md5').update(String(n)).digest();
        const w = (mw / 1000) * (1 + NOISE * ((h.readUInt16LE(0) / 0xffff) * 2 - 1));
        out += `${((next + SAMPLE_MS - start) / 1000).toFixed(4)},${this.voltageV.toFixed(4)},${(w / this.voltageV).toFixed(5)},${w.toFixed(5)}\n`;
        next += SAMPLE_MS;
        n++;
      }
      if (out) socket.write(out);
    }, BATCH_MS);
    const stop = () => {
      clearInterval(timer);
      this.sockets.delete(socket);
    };
    socket.on('close', stop);
    socket.on('error', stop);
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
