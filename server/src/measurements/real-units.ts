// An emulated board runs `timeScale` times as fast as the real one, so its durations and energies are
// that fraction of the real board's. Everything that compares or fits measured values works in
// real-board units (value / timeScale), labelled emulated; when the scale cannot be known, nothing is
// compared and the reason says why.
import type { CampaignHeader } from './types';

export type RealUnits =
  | { known: true; /** Divide energies and times by this (1 on a real board). */ timeScale: number; emulated: boolean }
  | { known: false; reason: string };

export function realUnitsOf(c: CampaignHeader): RealUnits {
  if (!c.emulated) return { known: true, timeScale: 1, emulated: false };
  const s = c.emulator?.timeScale;
  if (typeof s === 'number' && Number.isFinite(s) && s > 0) return { known: true, timeScale: s, emulated: true };
  return {
    known: false,
    reason: `measured on an emulated board whose time scale ${c.emulator ? 'the target did not state' : 'was not recorded (records from before Energy Lens recorded it)'}, so its values cannot be put in real-board units`,
  };
}

/** `10x speed (emulated), shown in real-board units` for labels; empty for a real board. */
export function describeRealUnits(u: RealUnits & { known: true }): string {
  if (!u.emulated) return '';
  const speed =
    u.timeScale < 1
      ? `${+(1 / u.timeScale).toPrecision(3)}x speed`
      : u.timeScale > 1
        ? `${+u.timeScale.toPrecision(3)}x slower`
        : 'real-time';
  return `emulated (${speed}), in real-board units`;
}
