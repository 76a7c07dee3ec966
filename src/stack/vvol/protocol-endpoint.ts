// A protocol endpoint as the array keeps it: the ALU (SCSI) or NAS head (NFS) through which bound
// vVols are reached, and its bindings by secondary id. A binding is per host: it names the
// initiators that may reach the vVol at PE:secondary id. Secondary ids are handed out smallest
// first, so the first vVol bound behind PE 255 is 255:1, as in Pure's example.

import type { LogicalUnit } from '../arrays/logical-unit';
import type { TargetPort } from '../arrays/ports';
import type { NfsPeConfig } from '../arrays/vvol-config';
import { conglomerateLun, MAX_SECONDARY_ID } from '../arrays/vvol-conglomerate';
import type { VasaArray } from './vasa-array';
import type { VirtualVolume } from './vvol';

/** One vVol bound for one host behind one PE. */
export class Binding {
  constructor(
    readonly vvol: VirtualVolume,
    readonly pe: ProtocolEndpoint,
    readonly secondaryId: number,
    /** The host the binding is for. */
    readonly host: string,
    /** Initiator ports of that host: only they reach the vVol (I_T nexus check). */
    readonly initiators: ReadonlySet<string>,
  ) {}

  /** The integer LUN the host addresses ("255:1"). */
  get lun(): number {
    return conglomerateLun(this.pe.aluNumber, this.secondaryId);
  }

  /** "255:1" for SCSI, "192.168.50.10:/vvol-pe#1" for NFS. */
  get text(): string {
    return this.pe.kind === 'scsi' ? `${this.pe.aluNumber}:${this.secondaryId}` : `${this.pe.id}#${this.secondaryId}`;
  }
}

/** Free secondary ids, smallest first: a binary min-heap of returned ids over a high-water mark. */
class SecondaryIds {
  private readonly free: number[] = [];
  private next = 1;

  take(): number | undefined {
    if (this.free.length > 0) {
      const top = this.free[0];
      const last = this.free.pop()!;
      if (this.free.length > 0) {
        this.free[0] = last;
        this.down(0);
      }
      return top;
    }
    return this.next <= MAX_SECONDARY_ID ? this.next++ : undefined;
  }

  /**
   * Takes a given id (a binding restored after a reload). Ids below it that are neither taken nor
   * free become free, so later binds get the same ids they would have got without the reload.
   */
  claim(id: number): boolean {
    if (id >= this.next) {
      for (let gap = this.next; gap < id; gap++) this.give(gap);
      this.next = id + 1;
      return true;
    }
    const at = this.free.indexOf(id);
    if (at < 0) return false;
    const last = this.free.pop()!;
    if (at < this.free.length) {
      this.free[at] = last;
      this.free.sort((a, b) => a - b); // a sorted array is a heap; restores are rare
    }
    return true;
  }

  give(id: number): void {
    const h = this.free;
    h.push(id);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= h[i]) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.free;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l] < h[m]) m = l;
      if (r < h.length && h[r] < h[m]) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
}

export class ProtocolEndpoint {
  /** Bindings by secondary id. */
  readonly bound = new Map<number, Binding>();
  private readonly ids = new SecondaryIds();

  constructor(
    readonly array: VasaArray,
    readonly kind: 'scsi' | 'nfs',
    /** The ALU: for SCSI the PE's LU on the array; for NFS a hidden one the NAS head demultiplexes with. */
    readonly alu: LogicalUnit,
    /** NFS: the mount point, and the array port the NAS head answers on. */
    readonly nfs?: { config: NfsPeConfig; port: TargetPort },
  ) {}

  get aluNumber(): number {
    return this.alu.number;
  }

  /** The PE's id as esxcli shows it: the device id (SCSI) or server:share (NFS). */
  get id(): string {
    return this.nfs ? `${this.nfs.config.server}:${this.nfs.config.share}` : this.alu.naaId;
  }

  bind(vvol: VirtualVolume, host: string, initiators: ReadonlySet<string>): Binding {
    const id = this.ids.take();
    if (id === undefined) throw new Error(`protocol endpoint ${this.id} has ${MAX_SECONDARY_ID} vVols bound: no secondary id is left`);
    const binding = new Binding(vvol, this, id, host, initiators);
    this.bound.set(id, binding);
    return binding;
  }

  /** Binds at a given secondary id (a binding restored after a reload); undefined if the id is taken. */
  bindAt(vvol: VirtualVolume, host: string, initiators: ReadonlySet<string>, id: number): Binding | undefined {
    if (!Number.isInteger(id) || id < 1 || id > MAX_SECONDARY_ID || !this.ids.claim(id)) return undefined;
    const binding = new Binding(vvol, this, id, host, initiators);
    this.bound.set(id, binding);
    return binding;
  }

  unbind(binding: Binding): void {
    if (this.bound.get(binding.secondaryId) !== binding) return;
    this.bound.delete(binding.secondaryId);
    this.ids.give(binding.secondaryId);
  }
}
