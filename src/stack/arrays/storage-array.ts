// A virtual storage array: storage processors with target ports, logical units on a block store,
// a personality (active/active, active/passive, ALUA), a service-time model and fault switches.
// It answers real CDBs with real bytes: submit() is the target side of a SCSI exchange.

import { JOB_EXTENT_SIZE, JOB_EXTENTS, JOB_SIZE } from '../../../asm/sgcopy/layout';
import { EXTENT_SIZE } from '../blockstore/block-store';
import * as L from '../../../asm/cdb/layout';
import type { BlockStore } from '../blockstore/block-store';
import type { Arena } from '../memory/arena';
import type { CdbCodec } from '../scsi/cdb-codec';
import type { ScsiCommand } from '../scsi/command';
import { HostStatus, SenseKey, Status } from '../scsi/status';
import { SeededRandom } from '../sim/random';
import { MAX_EXTENTS_PER_COMMAND, readWrite, synchronizeCache } from './commands/block-io';
import { readCapacity10, readCapacity16 } from './commands/capacity';
import { compareAndWrite } from './commands/compare-and-write';
import { receiveCopyResults } from './commands/copy-results';
import { extendedCopy } from './commands/extended-copy';
import { inquiry } from './commands/inquiry';
import { modeSense } from './commands/mode-sense';
import { reportLuns } from './commands/report-luns';
import { requestSense, testUnitReady } from './commands/sense';
import { startStopUnit } from './commands/start-stop';
import { reportTargetPortGroups, setTargetPortGroups } from './commands/target-port-groups';
import { unmap } from './commands/unmap';
import { writeSame16 } from './commands/write-same';
import type { ArrayConfig } from './config';
import { encodeSense, Exchange, type Completion } from './exchange';
import { LogicalUnit, naaId } from './logical-unit';
import { protocolEndpointUnits, SECOND_LEVEL, type Conglomerate } from './vvol-conglomerate';
import { activeActive } from './personalities/active-active';
import { activePassive } from './personalities/active-passive';
import { alua } from './personalities/alua';
import type { PersonalityOps } from './personalities/personality';
import { StorageProcessor, TargetPort } from './ports';
import { AccessState, TpgStatus } from './alua';

const personalities: Record<ArrayConfig['personality'], PersonalityOps> = {
  'active-active': activeActive,
  'active-passive': activePassive,
  alua,
};

export interface ArrayEnvironment {
  arena: Arena;
  codec: CdbCodec;
  store: BlockStore;
  /** Seed of the array's service-time jitter. */
  seed: number;
}

export class StorageArray {
  readonly sps: StorageProcessor[];
  readonly ports: TargetPort[] = [];
  readonly personality: PersonalityOps;
  readonly arena: Arena;
  /** Per-array scratch in the arena for the one data copy in progress (copies are synchronous). */
  readonly scratch: { extents: number; job: number };
  /** Virtual time in microseconds; the simulation clock replaces it. */
  now: () => number = () => 0;
  /** Whole-array power: when false no port answers. */
  up = true;
  /** Extra service time injected by a latency-spike fault, in microseconds. */
  extraServiceUs = 0;
  private readonly codec: CdbCodec;
  private readonly random: SeededRandom;
  private readonly pool: Exchange[] = [];
  /** LUNs indexed by number (a sparse array: LUN numbers are small). */
  private readonly byNumber: (LogicalUnit | undefined)[] = [];
  /** The array's vVol provider, when one runs: it resolves subsidiary LUNs (PE:secondary id). */
  conglomerate: Conglomerate | undefined;

  private constructor(
    readonly config: ArrayConfig,
    readonly luns: LogicalUnit[],
    env: ArrayEnvironment,
  ) {
    this.personality = personalities[config.personality];
    this.arena = env.arena;
    this.codec = env.codec;
    this.random = new SeededRandom(env.seed).fork(config.name);
    this.sps = config.sps.map((spc, i) => new StorageProcessor(spc.name, i));
    for (const sp of this.sps) {
      for (const pc of config.sps[sp.index].ports) {
        const port = new TargetPort(pc.wwpn, sp, this.ports.length + 1);
        sp.ports.push(port);
        this.ports.push(port);
      }
    }
    for (const lun of luns) this.byNumber[lun.number] = lun;
    this.scratch = { extents: env.arena.alloc(4 * MAX_EXTENTS_PER_COMMAND), job: env.arena.alloc(JOB_SIZE) };
    env.arena.dv.setUint32(this.scratch.job + JOB_EXTENTS, this.scratch.extents, true);
    env.arena.dv.setUint32(this.scratch.job + JOB_EXTENT_SIZE, EXTENT_SIZE, true);
  }

  static async create(config: ArrayConfig, env: ArrayEnvironment): Promise<StorageArray> {
    const luns: LogicalUnit[] = [];
    for (const lc of config.luns) luns.push(new LogicalUnit(config, lc, await env.store.open(naaId(config, lc))));
    luns.push(...(await protocolEndpointUnits(config, env.store))); // vVol PEs: administrative LUs
    return new StorageArray(config, luns, env);
  }

  get name(): string {
    return this.config.name;
  }

  get tpgsBits(): number {
    return this.personality.tpgsBits(this);
  }

  get transitionUs(): number {
    return this.config.transitionUs ?? 200_000;
  }

  /** The LUN at this number, unless there is none or it is lost (PDL). */
  lun(number: number): LogicalUnit | undefined {
    const lun = this.byNumber[number];
    return lun && !lun.lost ? lun : undefined;
  }

  visibleLunNumbers(): number[] {
    return this.luns.filter((l) => !l.lost).map((l) => l.number);
  }

  portByName(wwpn: string): TargetPort | undefined {
    return this.ports.find((p) => p.wwpn === wwpn);
  }

  /** The I_T nexus of an exchange: initiator port and target port. */
  nexus(x: Exchange): number {
    return x.port.nexus(x.cmd.initiator);
  }

  /** Virtual microseconds the array takes for a command moving `bytes`. */
  serviceTimeUs(bytes: number): number {
    const m = this.config.serviceTime;
    return m.fixedUs + (m.perKiBUs * bytes) / 1024 + this.random.next() * m.jitterUs + this.extraServiceUs;
  }

  /** Virtual microseconds for `bytes` the array moves inside itself (WRITE SAME, EXTENDED COPY). */
  internalWorkUs(bytes: number): number {
    return (this.config.serviceTime.perKiBUs * bytes) / 1024;
  }

  /**
   * Serves one command that arrived on `port` for LUN `lunNumber`; `done` is called exactly once,
   * synchronously or (when blocks must first be loaded or made durable) later.
   */
  submit(cmd: ScsiCommand, port: TargetPort, lunNumber: number, done: Completion): void {
    if (!this.up || !port.reachable) {
      cmd.hostStatus = HostStatus.NO_CONNECT;
      done(cmd);
      return;
    }
    const x = this.pool.pop() ?? new Exchange(this.codec, this.arena, (e) => this.pool.push(e));
    x.cmd = cmd;
    x.port = port;
    x.done = done;
    x.lunNumber = lunNumber;
    // A second-level LUN (PE:secondary id) is a vVol, found by the array's vVol provider.
    x.lun = lunNumber < SECOND_LEVEL ? this.lun(lunNumber) : this.conglomerate?.subsidiary(lunNumber, cmd.initiator);
    cmd.serviceUs = this.serviceTimeUs(cmd.dataLength) + (x.lun ? x.lun.extraServiceUs(this.now()) : 0);
    x.decode();
    if (x.result === L.RESULT_BAD_OPCODE) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00);
    if (x.result === L.RESULT_BAD_FIELD) return x.invalidField(x.fieldPointer, x.bitPointer);
    this.dispatch(x);
  }

  private dispatch(x: Exchange): void {
    const lun = x.lun;
    const nexus = this.nexus(x);
    if (lun) lun.see(nexus);
    switch (x.opcode) {
      case L.OP_REPORT_LUNS:
        return reportLuns(x, this);
      case L.OP_INQUIRY:
        return inquiry(x, this);
      case L.OP_REQUEST_SENSE:
        return requestSense(x, this);
    }
    if (!lun) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x25, 0x00);
    const ua = lun.takeAttention(nexus);
    if (ua) return x.checkCondition(SenseKey.UNIT_ATTENTION, ua.asc, ua.ascq);
    if (!this.personality.admit(x, this, lun)) return;
    switch (x.opcode) {
      case L.OP_TEST_UNIT_READY:
        return testUnitReady(x);
      case L.OP_START_STOP_UNIT:
        return startStopUnit(x, this, lun);
      case L.OP_READ_10:
      case L.OP_READ_16:
      case L.OP_WRITE_10:
      case L.OP_WRITE_16:
        return readWrite(x, this, lun);
      case L.OP_SYNCHRONIZE_CACHE_10:
        return synchronizeCache(x, lun);
      // The array offloads (VAAI): ATS, Zero, Delete, Clone.
      case L.OP_COMPARE_AND_WRITE:
        return compareAndWrite(x, this, lun);
      case L.OP_WRITE_SAME_16:
        return writeSame16(x, this, lun);
      case L.OP_UNMAP:
        return unmap(x, this, lun);
      case L.OP_EXTENDED_COPY:
        return extendedCopy(x, this, lun);
      case L.OP_RECEIVE_COPY_RESULTS:
        return receiveCopyResults(x, this, lun);
      case L.OP_READ_CAPACITY_10:
        return readCapacity10(x, lun);
      case L.OP_SERVICE_ACTION_IN_16:
        return readCapacity16(x, lun);
      case L.OP_MODE_SENSE_6:
      case L.OP_MODE_SENSE_10:
        return modeSense(x, lun);
      case L.OP_MAINTENANCE_IN:
        if (this.personality.reportsGroups) return reportTargetPortGroups(x, this, lun);
        break;
      case L.OP_MAINTENANCE_OUT:
        if (this.personality.supportsSetGroups(this)) return setTargetPortGroups(x, this, lun);
        break;
    }
    x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00);
  }

  /** A command already answered GOOD turns out to have failed (its write could not persist). */
  failCommand(cmd: ScsiCommand, lun: LogicalUnit, key: number, asc: number, ascq: number): void {
    const sense = encodeSense(this.codec, lun.descriptorSense, key, asc, ascq);
    cmd.sense.set(sense);
    cmd.senseLength = sense.length;
    cmd.status = Status.CHECK_CONDITION;
  }

  /**
   * LOGICAL UNIT RESET (a task management function, SAM-5 7.7): the LUN's task set is cleared (the
   * requesting host aborts its own commands) and every other I_T nexus learns of it by UNIT
   * ATTENTION 29/00 POWER ON, RESET, OR BUS DEVICE RESET OCCURRED.
   */
  lunReset(lun: LogicalUnit, port: TargetPort, initiator: string): void {
    lun.raiseAttention(0x29, 0x00, port.nexus(initiator));
  }

  // Administration and fault switches.

  /** Moves a LUN to another SP (active/passive trespass). */
  trespass(lun: LogicalUnit, sp: number): void {
    lun.owner = sp;
  }

  setPortUp(port: TargetPort, up: boolean): void {
    port.up = up;
  }

  setSpUp(sp: StorageProcessor, up: boolean): void {
    if (sp.up === up) return;
    sp.up = up;
    this.personality.spChanged(this, sp.index, up);
  }

  /**
   * An array-initiated (implicit) ALUA change: group `sp` of `lun` moves to `state` through
   * TRANSITIONING, and every I_T nexus gets UNIT ATTENTION 2A/06.
   */
  changeAccessState(lun: LogicalUnit, sp: number, state: number): void {
    if (this.config.personality !== 'alua') throw new Error(`${this.name} is not an ALUA array`);
    if (state === AccessState.ACTIVE_OPTIMIZED) {
      for (let g = 0; g < lun.alua.count; g++) {
        if (g !== sp && lun.alua.targetState(g) === AccessState.ACTIVE_OPTIMIZED) {
          lun.alua.set(g, AccessState.ACTIVE_NON_OPTIMIZED, this.now(), this.transitionUs, TpgStatus.IMPLICIT);
        }
      }
      lun.owner = sp;
    }
    if (lun.alua.set(sp, state, this.now(), this.transitionUs, TpgStatus.IMPLICIT)) lun.raiseAttention(0x2a, 0x06);
  }

  /** Permanent device loss: the LUN disappears from REPORT LUNS and answers 05/25/00. */
  setLunLost(lun: LogicalUnit, lost: boolean): void {
    lun.lost = lost;
  }
}
