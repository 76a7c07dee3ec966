// An NFS protocol endpoint as the host mounts it: one IP path to the array's NAS head, with its own
// latency and no multipathing (reference/psa.md §5). To the rest of the stack it is a device with a
// queue like any other, so fio drives it the same way; its "plugin" sends each command straight to
// the NAS head, which demultiplexes by the vVol's secondary id exactly as a SCSI PE does. (The
// NFS READ or WRITE is carried as the equivalent block command: the lab models the NAS head's
// translation, not the NFS wire format.)

import { conglomerateLun } from '../arrays/vvol-conglomerate';
import type { Host } from '../host';
import { LogicalDevice } from '../psa/device';
import type { IoRequest } from '../psa/io-request';
import type { Mpp } from '../psa/mpp';
import type { Identity, PathImpl } from '../psa/path';
import { HostStatus, Status } from '../scsi/status';
import type { TimerTarget } from '../sim/clock';
import type { ProtocolEndpoint } from './protocol-endpoint';

export class NfsMount implements Mpp, TimerTarget {
  readonly name = 'NFS';
  readonly pluginClass = 'MP' as const;
  readonly device: LogicalDevice;
  /** The mount answers (an unmount or a dead NAS path would set it false). */
  up = true;
  /** Commands on the wire, by request slot. */
  private readonly inflight = new Map<number, IoRequest>();
  /** Each request's completion callback, made once (nothing is allocated per command). */
  private readonly callbacks = new Map<IoRequest, () => void>();

  constructor(
    private readonly host: Host,
    readonly pe: ProtocolEndpoint,
    /** The host's NFS client identity: the "initiator" its bindings name. */
    readonly client: string,
  ) {
    const nfs = pe.nfs!.config;
    const identity = {
      vendor: 'NFS',
      model: nfs.version ?? 'NFSv3',
      revision: '',
      deviceId: `nfs:${nfs.server}:${nfs.share}`,
      tpgs: 0,
      blocks: 1,
      blockSize: 512,
    };
    const s = host.scenario.settings;
    this.device = new LogicalDevice(this, identity as Identity, 0, { queueDepth: s.deviceQueueDepth, schedNumReqOutstanding: s.schedNumReqOutstanding });
    this.device.scheduler = host.psa.io.newScheduler();
  }

  get latencyUs(): number {
    return this.pe.nfs!.config.latencyUs;
  }

  // The claim protocol does not apply: the mount owns its one device and no SCSI path.
  startClaiming(): void {}
  claimPath(): boolean {
    return false;
  }
  endClaiming(): void {}
  unclaimPath(): boolean {
    return false;
  }
  pathRemoved(_path: PathImpl): void {}
  completed(): void {}

  /** Sends a command to the NAS head; it completes after the round trip and the array's service time. */
  start(io: IoRequest): void {
    const clock = this.host.clock;
    const cmd = io.cmd;
    io.path = undefined;
    io.attempts++;
    io.issuedAt = clock.now;
    cmd.initiator = this.client;
    cmd.status = Status.GOOD;
    cmd.hostStatus = HostStatus.OK;
    cmd.senseLength = 0;
    cmd.transferred = 0;
    cmd.serviceUs = 0;
    cmd.pendingDurability = false;
    cmd.onDurable = undefined;
    cmd.durabilityEpoch++;
    this.inflight.set(io.slot, io);
    io.sentOrder = clock.reserveOrder();
    const array = this.pe.array.array;
    if (!this.up || !array.up) {
      cmd.hostStatus = HostStatus.NO_CONNECT;
      clock.atInOrder(clock.now + this.latencyUs, this, io.slot, io.sentOrder);
      return;
    }
    io.answered = false;
    array.submit(cmd, this.pe.nfs!.port, conglomerateLun(this.pe.aluNumber, io.secondaryId), this.callbackOf(io));
    if (!io.answered) {
      // The array waits on its block store: virtual time waits with it.
      io.holdsClock = true;
      clock.hold();
    }
  }

  private callbackOf(io: IoRequest): () => void {
    let callback = this.callbacks.get(io);
    if (!callback) this.callbacks.set(io, (callback = () => this.answered(io)));
    return callback;
  }

  private answered(io: IoRequest): void {
    io.answered = true;
    const clock = this.host.clock;
    if (io.holdsClock) {
      io.holdsClock = false;
      clock.release();
    }
    clock.atInOrder(io.issuedAt + 2 * this.latencyUs + io.cmd.serviceUs, this, io.slot, io.sentOrder);
  }

  onTimer(slot: number): void {
    const io = this.inflight.get(slot);
    if (!io) return;
    if (io.cmd.pendingDurability) {
      // Answered, not yet durable: the acknowledgement waits, at this same virtual instant.
      const clock = this.host.clock;
      clock.hold();
      io.cmd.onDurable = () => {
        clock.release();
        this.onTimer(slot);
      };
      return;
    }
    this.inflight.delete(slot);
    const failed = io.cmd.hostStatus !== HostStatus.OK || io.cmd.status !== Status.GOOD;
    this.host.psa.io.completeToIssuer(io, failed);
  }
}
