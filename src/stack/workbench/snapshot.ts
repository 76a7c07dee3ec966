// What the workbench shows of a host, as plain data that crosses the worker boundary by structured
// clone: the topology with live states, the esxcli-shaped tables, the VMs and their jobs.

import type { PluginFault, PluginInfo } from '../api';
import type { Host } from '../host';
import type { AluaState, PathState } from '../plugin-api';
import { describeMatches } from '../psa/claim-rules';

export interface TopologySnapshot {
  adapters: { name: string; transport: string; driver: string; queueDepth: number; wwpn: string; up: boolean; linkUp: boolean }[];
  fabrics: { name: string; adapters: string[]; targets: string[]; up: boolean; latencyUs: number; extraLatencyUs: number }[];
  arrays: {
    name: string;
    personality: string;
    up: boolean;
    sps: { name: string; up: boolean; ports: { wwpn: string; relativeId: number; up: boolean }[] }[];
    luns: { lun: number; lost: boolean; owner: string; capacityBytes: number }[];
  }[];
}

export interface PathSnapshot {
  name: string;
  adapter: string;
  target: string;
  array: string;
  lun: number;
  device: string | undefined;
  plugin: string | undefined;
  state: PathState;
  alua: AluaState;
  working: boolean;
  masked: boolean;
  outstanding: number;
  /** Commands completed on the path since boot. */
  commands: number;
}

export interface DeviceSnapshot {
  id: string;
  displayName: string;
  vendor: string;
  model: string;
  capacityBytes: number;
  plugin: string;
  satp: string;
  psp: string;
  pspConfig: Record<string, string | number | boolean>;
  pspDescription: string;
  satpDescription: string;
  workingPaths: string[];
  paths: string[];
  status: string;
  queueDepth: number;
  schedNumReqOutstanding: number;
}

/** A background job's state: running, stopping (killed; its commands in flight not yet back) or done. */
export type JobState = 'running' | 'stopping' | 'done';

/** A background fio job of the console session (`fio ... &`), as `jobs` lists it. */
export interface JobSnapshot {
  /** Its number in `jobs` and `kill %N`. */
  number: number;
  /** Its fio --name. */
  name: string;
  /** The world issuing its I/O: "web01:0" (VM web01, disk 0), or "fio" for --device jobs. */
  world: string;
  /** The fio arguments it was started with (without `fio` and `&`). */
  args: string[];
  state: JobState;
  /** Commands completed so far. */
  ios: number;
}

export interface LabSnapshot {
  nowUs: number;
  topology: TopologySnapshot;
  paths: PathSnapshot[];
  devices: DeviceSnapshot[];
  claimRules: { rule: number; class: 'runtime' | 'file'; type: string; plugin: string; matches: string }[];
  psps: string[];
  vms: { name: string; shares: number; iopsLimit: number; disks: { world: string; array: string; lun: number; device: string | undefined }[] }[];
  /** Why the browser could not keep the latest writes (the storage quota, for one), or null. */
  storageError: string | null;
  /** The learner's plugins, and the latest of their misbehaviours (each shown to the learner once, by seq). */
  plugins: PluginInfo[];
  pluginFaults: PluginFault[];
  /** The console session's background jobs not yet collected by `wait` (none when not given). */
  jobs: JobSnapshot[];
}

/** The host as plain data; `jobs` are the console session's background jobs (LabSession.jobTable.list()). */
export function snapshot(host: Host, jobs: JobSnapshot[] = []): LabSnapshot {
  const masked = new Set(host.psa.paths.filter((p) => p.owner === host.maskPath.name));
  return {
    nowUs: host.clock.now,
    topology: {
      adapters: host.adapters.map((a) => ({
        name: a.name, transport: a.transport, driver: a.driver, queueDepth: a.queueDepth, wwpn: a.wwpn, up: a.up, linkUp: a.linkUp,
      })),
      fabrics: host.fabrics.map((f) => ({
        name: f.name,
        adapters: f.adapters.map((a) => a.name),
        targets: f.targets.map((t) => t.port.wwpn),
        up: f.up,
        latencyUs: f.latencyUs,
        extraLatencyUs: f.extraLatencyUs,
      })),
      arrays: host.arrays.map((a) => ({
        name: a.name,
        personality: a.config.personality,
        up: a.up,
        sps: a.sps.map((sp) => ({ name: sp.name, up: sp.up, ports: sp.ports.map((p) => ({ wwpn: p.wwpn, relativeId: p.relativeId, up: p.up })) })),
        luns: a.luns.map((l) => ({ lun: l.number, lost: l.lost, owner: a.sps[l.owner]?.name ?? '', capacityBytes: l.capacityBytes })),
      })),
    },
    paths: host.psa.paths.map((p) => {
      const device = host.psa.device(p.identity.deviceId);
      const nmp = host.nmp.deviceOfPath(p);
      return {
        name: p.name,
        adapter: p.adapter,
        target: p.target,
        array: p.array.name,
        lun: p.lun,
        device: device?.id,
        plugin: p.owner,
        state: p.state,
        alua: p.alua,
        working: nmp ? nmp.workingPaths().includes(p) : false,
        masked: masked.has(p),
        outstanding: p.outstanding,
        commands: p.stats.ios,
      };
    }),
    devices: [...host.psa.devices.values()].map((d) => {
      const nmp = host.nmp.device(d.id);
      return {
        id: d.id,
        displayName: d.displayName,
        vendor: d.vendor,
        model: d.model,
        capacityBytes: d.capacityBytes,
        plugin: d.owner.name,
        satp: nmp?.satp.name ?? '',
        psp: nmp?.psp.name ?? '',
        pspConfig: { ...(nmp?.pspConfig ?? {}) },
        pspDescription: nmp ? describe(() => nmp.psp.describe?.(nmp.pspView)) : '',
        satpDescription: nmp ? describe(() => nmp.satp.describe?.(nmp.satpView)) : '',
        workingPaths: nmp ? nmp.workingPaths().map((p) => p.name) : [],
        paths: d.paths.map((p) => p.name),
        status: d.status,
        queueDepth: d.queueDepth,
        schedNumReqOutstanding: d.schedNumReqOutstanding,
      };
    }),
    claimRules: host.psa.claimRules.list().map(({ rule, class: cls }) => ({
      rule: rule.rule, class: cls, type: rule.type, plugin: rule.plugin, matches: describeMatches(rule),
    })),
    psps: [...host.nmp.psps.keys()],
    vms: host.vms.map((vm) => ({
      name: vm.name,
      shares: vm.shares,
      iopsLimit: vm.iopsLimit,
      disks: vm.disks.map((d) => ({ world: d.world, array: d.array, lun: d.lun, device: d.device?.id })),
    })),
    storageError: host.store.failure ?? null,
    plugins: host.plugins.list(),
    pluginFaults: host.plugins.faults.slice(-10),
    jobs,
  };
}

/** A plugin's own description of itself; a throwing plugin describes nothing. */
function describe(call: () => string | undefined): string {
  try {
    return call() ?? '';
  } catch {
    return '';
  }
}
