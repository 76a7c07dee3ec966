// What a lesson run has seen of the shared datastores since it began, for the goals that judge
// history rather than one instant (goals-vmfs.ts): the clones the learner made, every value each
// advanced setting had after a command, the host objects the lesson began with (a peer that boots
// again is a new object) and every one seen since, and the VAAI counters as the lesson began. The
// goals' `prepare` calls observe() after every command; the first call takes the baselines.

import type { Host } from '../host';
import { ADVANCED_SETTINGS, settingValue } from '../vmfs/advanced-settings';
import type { CloneReport } from '../vmfs/clone';
import { allVaaiCounters, type VaaiCounters } from '../vmfs/disk-io';
import { scenarioHosts } from '../vmfs/shared-view';
import { existingVmfs } from '../vmfs/vmfs';
import type { GoalContext } from './context';

/** What a lesson run has seen since it began, filled in by `prepare`. */
export interface History {
  /** The learner's host's last clone when the lesson began (made by the start script). */
  startClone: CloneReport | undefined;
  /** Clones the learner made, in order. */
  clones: CloneReport[];
  /** Every value each advanced setting had after a command. */
  settings: Map<string, Set<number>>;
  /** The host objects of the scenario when the lesson began (a peer that boots again is a new one). */
  hostsAtStart: Host[];
  /** Every host object seen since: a crashed peer's counters still count after it booted again. */
  hostsSeen: Host[];
  /** VAAI counters of each host object as the lesson began (a host booted later counts from 0). */
  vaaiAtStart: WeakMap<Host, Map<string, VaaiCounters>>;
  /** The last byte-compare of each clone goal's destination with its source, and when it was made. */
  compares: Map<string, { stamp: string } & ({ equal: boolean; firstDifference: number } | { error: string })>;
}

const histories = new WeakMap<GoalContext, History>();

/** The run's history, begun (baselines taken) the first time it is asked for: at the lesson's start. */
export function history(host: Host, ctx: GoalContext): History {
  let h = histories.get(ctx);
  if (!h) {
    const hosts = scenarioHosts(host);
    const vaaiAtStart = new WeakMap<Host, Map<string, VaaiCounters>>();
    for (const each of hosts) vaaiAtStart.set(each, copyCounters(each));
    h = { startClone: existingVmfs(host)?.lastClone, clones: [], settings: new Map(), hostsAtStart: hosts, hostsSeen: [...hosts], vaaiAtStart, compares: new Map() };
    histories.set(ctx, h);
  }
  return h;
}

function copyCounters(host: Host): Map<string, VaaiCounters> {
  return new Map([...allVaaiCounters(host)].map(([id, c]) => [id, { ...c }]));
}

/** Notes the hosts now up, the learner's latest clone and every setting's value: after each command. */
export function observe(host: Host, ctx: GoalContext): History {
  const h = history(host, ctx);
  for (const each of scenarioHosts(host)) if (!h.hostsSeen.includes(each)) h.hostsSeen.push(each);
  const last = existingVmfs(host)?.lastClone;
  if (last && last !== h.startClone && last !== h.clones[h.clones.length - 1]) h.clones.push(last);
  for (const { path } of ADVANCED_SETTINGS) {
    const seen = h.settings.get(path) ?? new Set<number>();
    seen.add(settingValue(host, path));
    h.settings.set(path, seen);
  }
  return h;
}
