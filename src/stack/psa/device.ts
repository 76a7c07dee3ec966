// A logical device as the framework keeps it: identifiers, owner, paths, queue and statistics.
// The owning plugin builds it from the paths it claimed; the framework queues I/O for it.

import type { Mpp } from './mpp';
import type { Identity, PathImpl } from './path';
import { IoCounters } from './stats';
import { MAX_FLOWS as MAX_WORLDS } from '../../../asm/ioqueue/layout';

export type DeviceStatus = 'on' | 'dead' | 'off';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class LogicalDevice {
  readonly id: string;
  readonly vendor: string;
  readonly model: string;
  readonly revision: string;
  /** Capacity, from the first path whose READ CAPACITY answered (a passive path does not). */
  blocks: number;
  blockSize: number;
  /** The legacy vml. alias: 02, 00, LUN, 00, the NAA id, then the product's first 6 bytes in hex. */
  readonly vmlId: string | undefined;
  /** Identifiers the owning plugin adds (e.g. NMP's). */
  readonly pluginIds: string[] = [];
  readonly paths: PathImpl[] = [];
  /** DQLEN: commands the device accepts at once. */
  queueDepth: number;
  /** Disk.SchedNumReqOutstanding for this device: the limit when more than one world issues I/O. */
  schedNumReqOutstanding: number;
  /** Commands handed to the owning plugin and not yet complete (ACTV). */
  outstanding = 0;
  /** Worlds (VM disks) that have ever issued to the device: the scheduler's flows. */
  readonly worlds: string[] = [];
  /** Worlds with commands queued or active now; DSNRO applies when more than one. */
  activeWorlds = 0;
  /** Commands queued or active per flow (world), to count activeWorlds. */
  readonly flowCounts: number[] = [];
  /** Address of the device's shares scheduler in the ioqueue module. */
  scheduler = 0;
  /** VMs or lab jobs holding the device open; an open device pins its plugin. */
  openCount = 0;
  status: DeviceStatus = 'on';
  /** Permanent device loss was seen on every path. */
  permanentlyLost = false;
  readonly counters = new IoCounters();

  constructor(
    readonly owner: Mpp,
    identity: Identity,
    lun: number,
    settings: { queueDepth: number; schedNumReqOutstanding: number },
  ) {
    this.id = identity.deviceId;
    this.vendor = identity.vendor;
    this.model = identity.model;
    this.revision = identity.revision;
    this.blocks = identity.blocks;
    this.blockSize = identity.blockSize;
    this.queueDepth = settings.queueDepth;
    this.schedNumReqOutstanding = Math.min(settings.schedNumReqOutstanding, settings.queueDepth);
    if (identity.naa) {
      const product = Array.from(identity.model.padEnd(6).slice(0, 6), (c) => c.charCodeAt(0));
      this.vmlId = `vml.0200${lun.toString(16).padStart(2, '0')}0000${hex(identity.naa)}${hex(Uint8Array.from(product))}`;
    }
  }

  /** Takes the capacity from a path's identity if the device does not know it yet. */
  learnCapacity(identity: Identity): void {
    if (this.blocks === 0 && identity.blocks > 0) {
      this.blocks = identity.blocks;
      this.blockSize = identity.blockSize;
    }
  }

  get capacityBytes(): number {
    return this.blocks * this.blockSize;
  }

  /** esxcli's Display Name: vendor, transport and id, as "PATHLAB Fibre Channel Disk (naa....)". */
  get displayName(): string {
    const transport = this.paths[0]?.adapterRef.transport;
    const kind = transport === 'fc' ? 'Fibre Channel Disk' : transport === 'iscsi' ? 'iSCSI Disk' : 'Local ' + this.vendor.trim() + ' Disk';
    return transport === 'fc' || transport === 'iscsi' ? `${this.vendor} ${kind} (${this.id})` : `${kind} (${this.id})`;
  }

  get isLocal(): boolean {
    return this.paths.every((p) => p.adapterRef.transport !== 'fc' && p.adapterRef.transport !== 'iscsi');
  }

  /** How many commands the device queue admits now: DQLEN, or DSNRO while worlds compete. */
  get limit(): number {
    return this.activeWorlds > 1 ? this.schedNumReqOutstanding : this.queueDepth;
  }

  /** The scheduler flow of a world, registering it on first use. */
  flowOf(world: string): number {
    if (world === this.lastWorld) return this.lastFlow;
    let flow = this.worlds.indexOf(world);
    if (flow < 0) {
      if (this.worlds.length >= MAX_WORLDS) throw new Error(`${this.id}: more than ${MAX_WORLDS} worlds have issued I/O to this device`);
      flow = this.worlds.push(world) - 1;
    }
    this.lastWorld = world;
    this.lastFlow = flow;
    return flow;
  }

  private lastWorld = '';
  private lastFlow = 0;
}
