// What the workbench shows of a host, as plain data that crosses the worker boundary by structured
// clone: the topology with live states, the esxcli-shaped tables, the VMs and their jobs.

import type { PluginFault, PluginInfo } from '../api';
import type { Host } from '../host';
import type { AluaState, PathState } from '../plugin-api';
import { describeMatches } from '../psa/claim-rules';
import { existingVvols } from '../vvol';
import { CAPABILITY_NAMES, CapabilityProfile, formatRules, type RuleValue } from '../vvol/capabilities';
import type { ComplianceStatus } from '../vvol/compliance';
import { DEFAULT_POLICY } from '../vvol/policy';
import type { ProtocolEndpoint } from '../vvol/protocol-endpoint';
import { HOST_ID, type VvolDaemon } from '../vvol/vvold';
import type { VirtualVolume } from '../vvol/vvol';
import type { HostAdapter } from '../fabric/adapter';
import { lastClones, sharedDatastores, type HostCloneView, type SharedDatastoreView } from '../vmfs/shared-view';

export interface TopologySnapshot {
  adapters: {
    name: string; transport: string; driver: string; queueDepth: number; wwpn: string; up: boolean; linkUp: boolean;
    /** Data bytes the adapter moved over the fabric since boot: sent (data-out) and received (data-in). */
    bytesSent: number; bytesReceived: number;
  }[];
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

/** One vVol of a VM, as the vVols tab lists it. */
export interface VvolSnapshot {
  /** "rfc4122." and a UUID. */
  id: string;
  /** "web01.vmdk", "web01-config", "web01.vswp", "web01.vmdk@snapshot-1". */
  name: string;
  type: 'config' | 'data' | 'swap' | 'memory' | 'snapshot';
  /** Data vVols and their snapshots: the virtual disk's index. */
  disk: number | null;
  sizeBytes: number;
  bound: boolean;
  /** Where this host reaches it while bound: "255:1" (PE LUN:secondary id) or "192.168.50.10:/vvol-pe#1"; null when unbound. */
  binding: string | null;
  /** The array's IOPS limit on it (0: none). */
  iopsLimit: number;
  compliance: ComplianceStatus;
  /** Why it is not compliant, one line per rule. */
  complianceReasons: string[];
}

export interface VvolVmSnapshot {
  name: string;
  container: string;
  array: string;
  policy: string;
  /** The VM's overrides of the policy's customisable rules, as "iopsLimit=500" (or "(none)"). */
  overrides: string;
  state: 'poweredOn' | 'poweredOff';
  memoryBytes: number;
  /** Config, data (disk order), their snapshots, swap, memory. */
  vvols: VvolSnapshot[];
}

/**
 * The host's virtual volumes. Before anything vVol ran (no `vvol` or `esxcli storage vvol` command
 * yet, `started` false) they are what the scenario configures: the same containers and PEs, empty,
 * without the ids the VASA provider hands out (the snapshot never starts the vVol daemon).
 */
export interface VvolsSnapshot {
  started: boolean;
  containers: {
    name: string;
    /** "vvol:" and 32 hex digits; '' until started. */
    id: string;
    arrays: string[];
    protocol: 'SCSI' | 'NFS';
    capacityBytes: number;
    usedBytes: number;
    vvolCount: number;
    /** What the container offers, capability by capability ("iopsLimit: 100..50000"). */
    offers: string[];
  }[];
  protocolEndpoints: {
    array: string;
    /** The ALU's LUN (SCSI); null for NFS. */
    lun: number | null;
    type: 'SCSI' | 'NFS' | 'NFS4x';
    /** The PE's device id (SCSI: its NAA id) or server:share (NFS). */
    id: string;
    /** vVols bound behind it. */
    bound: number;
  }[];
  policies: { name: string; version: number; rules: Record<string, RuleValue>; text: string; vms: string[] }[];
  vms: VvolVmSnapshot[];
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
  /** Virtual volumes; null when no array of the scenario has vVols. */
  vvols: VvolsSnapshot | null;
  /** VMFS datastores mounted by the host or its peers, and each host's last clone (none before VMFS runs). */
  datastores: DatastoresSnapshot;
}

/** The scenario's VMFS datastores as its hosts see them together (vmfs/shared-view.ts). */
export interface DatastoresSnapshot {
  volumes: SharedDatastoreView[];
  clones: HostCloneView[];
}

/** The host as plain data; `jobs` are the console session's background jobs (LabSession.jobTable.list()). */
export function snapshot(host: Host, jobs: JobSnapshot[] = []): LabSnapshot {
  const masked = new Set(host.psa.paths.filter((p) => p.owner === host.maskPath.name));
  return {
    nowUs: host.clock.now,
    topology: {
      adapters: host.adapters.map((a) => ({
        name: a.name, transport: a.transport, driver: a.driver, queueDepth: a.queueDepth, wwpn: a.wwpn, up: a.up, linkUp: a.linkUp,
        ...adapterBytes(host, a),
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
    vvols: vvolsSnapshot(host),
    datastores: { volumes: sharedDatastores(host), clones: lastClones(host) },
  };
}

/** The adapter's paths' byte counters summed (esxcli storage core adapter stats get: Bytes Sent/Received). */
function adapterBytes(host: Host, adapter: HostAdapter): { bytesSent: number; bytesReceived: number } {
  let bytesSent = 0;
  let bytesReceived = 0;
  for (const p of host.psa.paths) {
    if (p.adapterRef !== adapter) continue;
    bytesSent += p.counters.bytesSent;
    bytesReceived += p.counters.bytesReceived;
  }
  return { bytesSent, bytesReceived };
}

const GiB = 1024 ** 3;

/** The host's vVols, read without side effects: the daemon's state once made, else the scenario's vVol configuration. */
export function vvolsSnapshot(host: Host): VvolsSnapshot | null {
  const d = existingVvols(host);
  if (d) return fromDaemon(d);
  const arrays = host.arrays.filter((a) => a.config.vasa);
  if (arrays.length === 0) return null;
  return {
    started: false,
    containers: arrays.flatMap((a) =>
      a.config.vasa!.containers.map((c) => ({
        name: c.name,
        id: '',
        arrays: [a.name, ...(c.spans ?? [])],
        protocol: c.protocol === 'scsi' ? ('SCSI' as const) : ('NFS' as const),
        capacityBytes: Math.round(c.capacityGiB * GiB),
        usedBytes: 0,
        vvolCount: 0,
        offers: offers(new CapabilityProfile(c.capabilities)),
      })),
    ),
    protocolEndpoints: arrays.flatMap((a) =>
      a.config.vasa!.protocolEndpoints.map((pe) =>
        pe.protocol === 'scsi'
          ? { array: a.name, lun: pe.lun, type: 'SCSI' as const, id: a.lun(pe.lun)?.naaId ?? '', bound: 0 }
          : { array: a.name, lun: null, type: pe.version === 'NFSv4.1' ? ('NFS4x' as const) : ('NFS' as const), id: `${pe.server}:${pe.share}`, bound: 0 },
      ),
    ),
    policies: [{ name: DEFAULT_POLICY, version: 1, rules: {}, text: formatRules({}), vms: [] }],
    vms: [],
  };
}

function offers(profile: CapabilityProfile): string[] {
  return CAPABILITY_NAMES.map((n) => `${n}: ${profile.describe(n)}`);
}

function peType(pe: ProtocolEndpoint): 'SCSI' | 'NFS' | 'NFS4x' {
  if (pe.kind === 'scsi') return 'SCSI';
  return pe.nfs!.config.version === 'NFSv4.1' ? 'NFS4x' : 'NFS';
}

function fromDaemon(d: VvolDaemon): VvolsSnapshot {
  const vvol = (v: VirtualVolume): VvolSnapshot => {
    const b = v.bindings.get(HOST_ID);
    const c = d.compliance(v);
    return {
      id: v.id,
      name: v.name,
      type: v.isSnapshot ? 'snapshot' : v.type,
      disk: v.disk ?? null,
      sizeBytes: v.sizeBytes,
      bound: v.bound,
      binding: b ? b.text : null,
      iopsLimit: v.unit.iopsLimit,
      compliance: c.status,
      complianceReasons: [...c.reasons],
    };
  };
  return {
    started: true,
    containers: d.containers.map((c) => ({
      name: c.name,
      id: c.id,
      arrays: c.arrays.map((a) => a.name),
      protocol: c.protocol === 'scsi' ? 'SCSI' : 'NFS',
      capacityBytes: c.capacityBytes,
      usedBytes: c.usedBytes,
      vvolCount: c.vvols.size,
      offers: offers(c.profile),
    })),
    protocolEndpoints: d.providers.flatMap((p) =>
      p.arrays.flatMap((a) =>
        a.pes.map((pe) => ({ array: a.name, lun: pe.kind === 'scsi' ? pe.aluNumber : null, type: peType(pe), id: pe.id, bound: pe.bound.size })),
      ),
    ),
    policies: d.policies.all.map((p) => ({ name: p.name, version: p.version, rules: { ...p.rules } as Record<string, RuleValue>, text: p.text, vms: d.usersOf(p) })),
    vms: [...d.vms.values()].map((vm) => ({
      name: vm.name,
      container: vm.container.name,
      array: vm.config.array.name,
      policy: vm.policy.name,
      overrides: formatRules(vm.overrides),
      state: vm.powered ? 'poweredOn' : 'poweredOff',
      memoryBytes: vm.memoryBytes,
      vvols: vm.vvols.map(vvol),
    })),
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
