// The phone's fuel gauge as /sys/class/power_supply shows it: current_now in µA and voltage_now in
// µV (the kernel's power_supply ABI), refreshed once per update period with the mean of the last
// period, in this vendor's sign convention (negative while discharging). With USB power on the
// charger feeds the phone: the battery charges and the reading no longer shows the load.
import { PowerTimeline, nowMs } from './power-timeline';

export interface FuelGaugeSpec {
  /** Update period on the real phone (ms); scaled with the emulator's time scale. */
  periodMs: number;
  /** +1: positive while discharging; -1: negative while discharging. */
  dischargeSign: 1 | -1;
  openCircuitUv: number;
  /** Internal resistance (Ω): the terminal voltage sags under load. */
  resistanceOhm: number;
  /** Charger current limit (µA) when USB power is on. */
  chargeLimitUa: number;
}

export const SD820_GAUGE: FuelGaugeSpec = {
  periodMs: 1000,
  dischargeSign: -1,
  openCircuitUv: 3_870_000,
  resistanceOhm: 0.14,
  chargeLimitUa: 1_200_000,
};

export class FuelGauge {
  private readonly epoch = nowMs();

  constructor(
    private readonly timeline: PowerTimeline,
    private readonly spec: FuelGaugeSpec,
    private readonly timeScale: number,
    readonly usbOnline: () => boolean,
  ) {}

  private lastPeriod(): { loadUa: number; uv: number } {
    const period = this.spec.periodMs * this.timeScale;
    const k = Math.floor((nowMs() - this.epoch) / period);
    const t1 = this.epoch + k * period;
    // A real gauge's reading wanders by a few mA between updates (ADC noise): ±0.5 %, fixed per period.
    const noise = 1 + 0.005 * Math.sin(k * 78.233 + 1.7);
    const mw = this.timeline.averageMw(t1 - period, t1) * noise;
    // P = V·I with V = OCV - R·I: the smaller root of R·I² - OCV·I + P = 0 (SI units).
    const ocv = this.spec.openCircuitUv / 1e6;
    const r = this.spec.resistanceOhm;
    const amps = (ocv - Math.sqrt(ocv * ocv - 4 * r * (mw / 1000))) / (2 * r);
    return { loadUa: amps * 1e6, uv: (ocv - r * amps) * 1e6 };
  }

  currentNow(): string {
    const { loadUa } = this.lastPeriod();
    const batteryUa = this.usbOnline() ? -(this.spec.chargeLimitUa - loadUa) : loadUa;
    return `${Math.round(this.spec.dischargeSign * batteryUa)}\n`;
  }

  voltageNow(): string {
    const { uv } = this.lastPeriod();
    return `${Math.round(this.usbOnline() ? this.spec.openCircuitUv + 120_000 : uv)}\n`;
  }

  status(): string {
    return this.usbOnline() ? 'Charging\n' : 'Discharging\n';
  }
}
