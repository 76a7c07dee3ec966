// A path: one adapter reaching one LUN through one target port. This object is what plugins see
// (the Path of the plugin API) plus what the framework keeps about it.

import type { StorageArray } from '../arrays/storage-array';
import type { TargetPort } from '../arrays/ports';
import type { HostAdapter } from '../fabric/adapter';
import type { Fabric } from '../fabric/fabric';
import type { AluaState, Path, PathState, PathStats } from '../plugin-api';
import { IoCounters } from './stats';

/**
 * What the LUN said about the array offloads (VAAI) at discovery: the host decides from these alone
 * which primitives a device supports (ATS, Clone, Zero, Delete), as ESXi does for T10 arrays.
 */
export interface Offloads {
  /** INQUIRY 3PC: EXTENDED COPY is supported (Clone). */
  thirdPartyCopy: boolean;
  /** VPD 0xB0 MAXIMUM COMPARE AND WRITE LENGTH in blocks; 0 when not reported (ATS). */
  maxCompareAndWrite: number;
  /** VPD 0xB0 MAXIMUM WRITE SAME LENGTH in blocks; 0 when not reported (Zero). */
  maxWriteSame: number;
  /** VPD 0xB0 MAXIMUM UNMAP LBA COUNT in blocks. */
  maxUnmap: number;
  /** VPD 0xB2 LBPU: UNMAP is supported (Delete). */
  lbpu: boolean;
  /** VPD 0xB2 LBPWS: WRITE SAME (16) with UNMAP is supported. */
  lbpws: boolean;
  /** READ CAPACITY (16) LBPME: thin provisioned; undefined when the path could not read it (a passive port). */
  lbpme: boolean | undefined;
}

/** What INQUIRY, VPD 0x83, 0xB0, 0xB2 and READ CAPACITY (16) said about the LUN behind the path. */
export interface Identity {
  vendor: string;
  model: string;
  revision: string;
  /** Device id from VPD 0x83 (naa./eui./t10.), or mpx.<runtime name> when it has none. */
  deviceId: string;
  /** The NAA designator bytes, when there is one (for the legacy vml. id). */
  naa?: Uint8Array;
  /** INQUIRY TPGS field (0 none, 1 implicit, 2 explicit, 3 both). */
  tpgs: number;
  /** INQUIRY LU_CONG: the LUN is a conglomerate's administrative LU, a vVol protocol endpoint. */
  conglomerate?: boolean;
  blocks: number;
  blockSize: number;
  offloads: Offloads;
}

/** Bumped on every path state change anywhere, so cached lists of usable paths know to refresh. */
export let pathStateVersion = 0;

export class PathImpl implements Path {
  readonly name: string;
  private stateValue: PathState = 'active';
  private aluaValue: AluaState = 'none';
  preferred = false;
  outstanding = 0;
  /** The owning plugin currently routes I/O on this path ("Active (I/O)"). */
  working = false;
  /** NMP: the device's selection count when its PSP last chose this path (0: never since the PSP was set). */
  lastChosen = 0;
  /** Name of the plugin that claimed the path; undefined while unclaimed. */
  owner: string | undefined;
  readonly counters = new IoCounters();
  readonly stats: PathStats;

  constructor(
    readonly adapterRef: HostAdapter,
    readonly fabric: Fabric,
    readonly array: StorageArray,
    readonly port: TargetPort,
    readonly targetNumber: number,
    readonly lun: number,
    readonly identity: Identity,
  ) {
    this.name = `${adapterRef.name}:C0:T${targetNumber}:L${lun}`;
    const counters = this.counters;
    this.stats = {
      get ios() {
        return counters.commands;
      },
      get bytes() {
        return counters.bytesRead + counters.bytesWritten;
      },
      get avgLatencyUs() {
        return counters.commands > 0 ? counters.deviceUs / counters.commands : 0;
      },
    };
  }

  get state(): PathState {
    return this.stateValue;
  }

  set state(value: PathState) {
    if (value !== this.stateValue) pathStateVersion++;
    this.stateValue = value;
  }

  get alua(): AluaState {
    return this.aluaValue;
  }

  set alua(value: AluaState) {
    if (value !== this.aluaValue) pathStateVersion++;
    this.aluaValue = value;
  }

  get adapter(): string {
    return this.adapterRef.name;
  }

  get target(): string {
    return this.port.wwpn;
  }

  /** Where this path reaches, independent of numbering: adapter, target port and LUN. */
  get key(): string {
    return `${this.adapterRef.name}|${this.port.wwpn}|${this.lun}`;
  }

  /** esxcli's path UID: <adapter id>-<target id>-<device id>. */
  get uid(): string {
    return `${this.adapterRef.uid}-${this.targetUid}-${this.identity.deviceId}`;
  }

  get targetUid(): string {
    const wwpn = this.port.wwpn.replace(/:/g, '');
    return this.adapterRef.transport === 'fc' ? `fc.${this.targetWwnn.replace(/:/g, '')}:${wwpn}` : `${this.adapterRef.transport}.${wwpn}`;
  }

  /** The target's node name: the array's WWNN, derived from its first port's WWPN. */
  get targetWwnn(): string {
    return '5' + this.array.ports[0].wwpn.slice(1, -2) + 'ff';
  }

  /** The path can carry I/O as far as the host can tell without sending any. */
  get connected(): boolean {
    return this.fabric.connects(this.adapterRef, this.array, this.port);
  }
}
