// The storm's plan: verified fio jobs on every device the host claimed, and a seeded list of timed
// faults drawn from every kind the lab injects (src/stack/sim/faults.ts), each with its repair. A
// plan is data; script.ts turns it (or any sub-list of its faults) into a lab script.

import type { Host } from '../src/stack/host';
import { SeededRandom } from '../src/stack/sim/random';

export const FAULT_KINDS = ['link', 'adapter', 'port', 'sp', 'array', 'lun', 'latency', 'flap', 'alua'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  /** Its place in the plan: kept by the shrinker, so a shrunk list names the faults it kept. */
  id: number;
  kind: FaultKind;
  /** Virtual ms from the start of the storm. */
  atMs: number;
  line: string;
  repairAtMs: number;
  repair: string;
  /** An administrator's rescan right after the fault, or right after the repair (or none). */
  rescan: 'fault' | 'repair' | undefined;
  /** An ALUA change names the LUN it touches, so the end of the script can restore its groups. */
  aluaLun?: { array: string; lun: number };
}

export interface StormJob {
  name: string;
  /** The device the job's commands go to (a vVol's: its protocol endpoint). */
  deviceId: string;
  /** The fio options choosing the target: `--vm web01 --disk 0`, `--device naa....`, `--vm vv01`. */
  target: string;
  /** The same for the job that reads it all back (a vVol is reached only through its VM). */
  checkTarget: string;
  rw: 'randrw' | 'randwrite';
  bs: string;
  iodepth: number;
  /** Lines that prepare its target before any job starts: a vVol VM made and powered on, a PSP. */
  setup: string[];
}

export interface StormPlan {
  seed: number;
  jobs: StormJob[];
  faults: PlannedFault[];
  /** Preferred owner of each ALUA LUN, by "array lun": its group goes back to AO at the end. */
  aluaOwners: Map<string, { sps: string[]; owner: number }>;
}

/** Each job's region: small, so blocks are rewritten often and the read-back is quick. */
export const JOB_SIZE = '2m';
/** Per job; low enough that hours of virtual time stay minutes of wall time. */
export const JOB_RATE_IOPS = 40;

/** How often an administrator rescans right after a fault, and as often right after a repair. */
export const RESCAN_CHANCE = 0.05;
export const RESCAN = 'esxcli storage core adapter rescan --all';

/** Log-uniform in [lo, hi]: as many short gaps and outages as long ones, by order of magnitude. */
function logUniform(rng: SeededRandom, lo: number, hi: number): number {
  return Math.round(Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo))));
}

function pick<T>(rng: SeededRandom, items: readonly T[]): T {
  return items[rng.below(items.length)];
}

const msText = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** The vVol VM the storm creates on the first SCSI storage container, when the scenario has one. */
export const VVOL_VM = 'storm-vv01';

/**
 * Jobs for every device NMP claimed: VM disks from their VM, other LUNs as lab jobs, and a vVol
 * VM's disk behind its SCSI protocol endpoint (the PE itself carries no blocks of its own). Each
 * job's mix, size, depth, and its device's PSP are drawn from the seed.
 */
export function planJobs(host: Host, rng: SeededRandom): StormJob[] {
  const jobs: StormJob[] = [];
  const add = (name: string, deviceId: string, target: string, checkTarget: string, setup: string[] = []) =>
    jobs.push({ name, deviceId, target, checkTarget, rw: 'randrw', bs: '4k', iodepth: 1, setup });
  for (const vm of host.vms) {
    vm.disks.forEach((disk, i) => {
      if (disk.device) add(`${vm.name}-${i}`, disk.device.id, `--vm ${vm.name} --disk ${i}`, `--device ${disk.device.id}`);
    });
  }
  for (const path of host.psa.paths) {
    const device = host.psa.device(path.identity.deviceId);
    if (!device || jobs.some((j) => j.deviceId === device.id)) continue;
    const lun = path.array.luns.find((l) => l.number === path.lun);
    if (!lun) continue;
    const container = path.array.config.vasa?.containers.find((c) => c.protocol === 'scsi');
    if (!lun.administrative) add(`${path.array.name}-lun${path.lun}`, device.id, `--device ${device.id}`, `--device ${device.id}`);
    else if (container && !jobs.some((j) => j.name === `${VVOL_VM}-0`)) {
      const setup = [`vvol vm create ${VVOL_VM} --container ${container.name} --disk 1g`, `vvol vm poweron ${VVOL_VM}`];
      add(`${VVOL_VM}-0`, device.id, `--vm ${VVOL_VM}`, `--vm ${VVOL_VM}`, setup);
    }
  }
  for (const job of jobs) {
    job.rw = rng.next() < 0.5 ? 'randrw' : 'randwrite';
    job.bs = pick(rng, ['4k', '8k', '16k']);
    job.iodepth = pick(rng, [2, 4, 8, 16]);
    // Each device under its SATP's default PSP or another one, so every built-in policy fails over.
    const psp = pick(rng, ['default', 'VMW_PSP_RR', 'VMW_PSP_MRU', 'VMW_PSP_FIXED']);
    if (psp !== 'default') job.setup.push(`esxcli storage nmp device set -d ${job.deviceId} --psp ${psp}`);
    if (psp === 'VMW_PSP_RR' && rng.next() < 0.5) job.setup.push(`esxcli storage nmp psp roundrobin deviceconfig set -d ${job.deviceId} -t iops -I 1`);
  }
  return jobs;
}

/** Arrays, SPs, ports, LUNs and fabrics the jobs depend on: the fault targets. */
function targets(host: Host, jobs: StormJob[]) {
  const luns: { array: string; lun: number }[] = [];
  for (const job of jobs) {
    const path = host.psa.paths.find((p) => p.identity.deviceId === job.deviceId);
    if (path && !luns.some((l) => l.array === path.array.name && l.lun === path.lun)) luns.push({ array: path.array.name, lun: path.lun });
  }
  const arrays = host.arrays.filter((a) => luns.some((l) => l.array === a.name));
  const fabrics = host.fabrics.filter((f) => f.adapters.length > 0).map((f) => f.name);
  const aluaLuns = luns.filter((l) => host.array(l.array)!.config.personality === 'alua');
  return { luns, arrays, fabrics, aluaLuns, adapters: host.adapters.map((a) => a.name) };
}

/**
 * `count` faults, seeded: gaps of 5 ms to 5 s between them, each repaired 5 ms to 10 s later (one in
 * 200 after 141 to 200 s, past the APD timeout); latency spikes up to 3 s (one in 30 past the
 * 30 s command timeout); flapping every 100 ms to 5 s. One fault in 20 is followed by a rescan
 * (paths that went away are destroyed, with commands and checks in flight), one in 20 is repaired
 * and then rescanned (paths come back as new ones). An ALUA change and its undoing never
 * overlap a loss of the same LUN (the array refuses ALUA changes on a lost LUN), which keeps every
 * sub-list of the plan a valid script.
 */
export function planStorm(host: Host, seed: number, count: number): StormPlan {
  const root = new SeededRandom(seed);
  const jobs = planJobs(host, root.fork('jobs'));
  const rng = root.fork('faults');
  const t = targets(host, jobs);
  const aluaOwners = new Map<string, { sps: string[]; owner: number }>();
  for (const l of t.aluaLuns) {
    const array = host.array(l.array)!;
    aluaOwners.set(`${l.array} ${l.lun}`, { sps: array.sps.map((s) => s.name), owner: array.luns.find((u) => u.number === l.lun)!.preferredOwner });
  }
  // Until when each LUN is lost, and until when an ALUA change on it runs (repair included).
  const lostUntil = new Map<string, number>();
  const aluaUntil = new Map<string, number>();
  const busy = (m: Map<string, number>, l: { array: string; lun: number }) => (m.get(`${l.array} ${l.lun}`) ?? -1) >= at;
  const extend = (m: Map<string, number>, l: { array: string; lun: number }, until: number) => {
    const key = `${l.array} ${l.lun}`;
    m.set(key, Math.max(m.get(key) ?? -1, until));
  };
  const faults: PlannedFault[] = [];
  let at = 0;
  while (faults.length < count) {
    at += logUniform(rng, 5, 5000);
    const long = rng.next() < 0.005;
    const duration = long ? 141_000 + rng.below(60_000) : logUniform(rng, 5, 10_000);
    const f = draw(pick(rng, FAULT_KINDS), rng, host, t);
    if (f.aluaLun && busy(lostUntil, f.aluaLun)) continue;
    if (f.lostLun && busy(aluaUntil, f.lostLun)) continue;
    if (f.aluaLun) extend(aluaUntil, f.aluaLun, at + duration);
    if (f.lostLun) extend(lostUntil, f.lostLun, at + duration);
    const r = rng.next();
    const rescan = r < RESCAN_CHANCE ? 'fault' : r < 2 * RESCAN_CHANCE ? 'repair' : undefined;
    faults.push({ id: faults.length + 1, kind: f.kind, atMs: at, line: f.line, repairAtMs: at + duration, repair: f.repair, rescan, aluaLun: f.aluaLun });
  }
  return { seed, jobs, faults, aluaOwners };
}

interface Drawn {
  kind: FaultKind;
  line: string;
  repair: string;
  aluaLun?: { array: string; lun: number };
  lostLun?: { array: string; lun: number };
}

function draw(kind: FaultKind, rng: SeededRandom, host: Host, t: ReturnType<typeof targets>): Drawn {
  switch (kind) {
    case 'link':
    case 'adapter': {
      const a = pick(rng, t.adapters);
      return { kind, line: `fault ${kind} ${a}`, repair: `repair ${kind} ${a}` };
    }
    case 'flap': {
      const a = pick(rng, t.adapters);
      return { kind, line: `fault flap ${a} ${msText(logUniform(rng, 100, 5000))}`, repair: `repair flap ${a}` };
    }
    case 'port': {
      const port = pick(rng, pick(rng, t.arrays).ports);
      return { kind, line: `fault port ${port.wwpn}`, repair: `repair port ${port.wwpn}` };
    }
    case 'sp': {
      const array = pick(rng, t.arrays);
      const sp = pick(rng, array.sps);
      return { kind, line: `fault sp ${array.name} ${sp.name}`, repair: `repair sp ${array.name} ${sp.name}` };
    }
    case 'array': {
      const array = pick(rng, t.arrays);
      return { kind, line: `fault array ${array.name}`, repair: `repair array ${array.name}` };
    }
    case 'lun': {
      const l = pick(rng, t.luns);
      return { kind, line: `fault lun ${l.array} ${l.lun}`, repair: `repair lun ${l.array} ${l.lun}`, lostLun: l };
    }
    case 'latency': {
      const where = rng.next() < 0.5 ? pick(rng, t.fabrics) : pick(rng, t.arrays).name;
      const ms = rng.next() < 1 / 30 ? 31_000 + rng.below(15_000) : logUniform(rng, 1, 3000);
      return { kind, line: `fault latency ${where} ${msText(ms)}`, repair: `repair latency ${where}` };
    }
    case 'alua': {
      if (t.aluaLuns.length === 0) return draw('sp', rng, host, t);
      const l = pick(rng, t.aluaLuns);
      const array = host.array(l.array)!;
      const sp = pick(rng, array.sps);
      const state = pick(rng, ['ao', 'ano', 'standby', 'unavailable']);
      // The repair puts the group back as the array had it at power-on.
      const initial = array.luns.find((u) => u.number === l.lun)!.preferredOwner === sp.index ? 'ao' : 'ano';
      return { kind, line: `fault alua ${l.array} ${l.lun} ${sp.name} ${state}`, repair: `fault alua ${l.array} ${l.lun} ${sp.name} ${initial}`, aluaLun: l };
    }
  }
}
