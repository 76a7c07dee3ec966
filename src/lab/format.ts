// Display helpers for the lab (pure functions, no DOM).
import type { Personality } from '../stack/api';

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units with one decimal: 10737418240 → "10.0 GiB", 512 → "512 B". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Digits grouped the same way in every locale: 20971520 → "20,971,520". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export const personalityLabels: Record<Personality, string> = {
  'active-active': 'Active/active',
  'active-passive': 'Active/passive',
  alua: 'ALUA',
};

/** What the Device column says for a LUN whose VPD page 0x83 has no LU designator (hosts name it mpx.). */
export const NO_DESIGNATOR = 'none in VPD 0x83 (the host names it mpx.)';
