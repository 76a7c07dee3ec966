// The host's advanced settings that steer VMFS's data movers, with ESXi's names, ranges, defaults
// and descriptions (`esxcli system settings advanced list|set -o PATH`).

import type { Host } from '../host';

export interface AdvancedSetting {
  path: string;
  min: number;
  max: number;
  defaultValue: number;
  description: string;
}

export const ADVANCED_SETTINGS: readonly AdvancedSetting[] = [
  {
    path: '/DataMover/HardwareAcceleratedInit',
    min: 0,
    max: 1,
    defaultValue: 1,
    description: 'Enable hardware accelerated VMFS data initialization (requires compliant hardware)',
  },
  {
    path: '/DataMover/HardwareAcceleratedMove',
    min: 0,
    max: 1,
    defaultValue: 1,
    description: 'Enable hardware accelerated VMFS data movement (requires compliant hardware)',
  },
  {
    path: '/DataMover/MaxHWTransferSize',
    min: 4,
    max: 16384,
    defaultValue: 4096,
    description: 'Maximum transfer size in KB to use for hardware data movement requests',
  },
];

const values = new WeakMap<Host, Map<string, number>>();

export function findSetting(path: string): AdvancedSetting | undefined {
  return ADVANCED_SETTINGS.find((s) => s.path.toLowerCase() === path.toLowerCase());
}

export function settingValue(host: Host, path: string): number {
  const setting = findSetting(path);
  if (!setting) throw new Error(`unknown advanced setting ${path}`);
  return values.get(host)?.get(setting.path) ?? setting.defaultValue;
}

/** Sets a value; throws (and changes nothing) when the path is unknown or the value out of range. */
export function setSetting(host: Host, path: string, value: number): void {
  const setting = findSetting(path);
  if (!setting) throw new Error(`Unable to find option ${path.replace(/^\//, '').split('/').pop()}`);
  if (!Number.isInteger(value) || value < setting.min || value > setting.max) {
    throw new Error(`Invalid value ${value} for ${setting.path}: it must be an integer in ${setting.min}..${setting.max}`);
  }
  let map = values.get(host);
  if (!map) values.set(host, (map = new Map()));
  map.set(setting.path, value);
}
