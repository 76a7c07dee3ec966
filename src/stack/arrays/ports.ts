// Storage processors (controllers) and their target ports. Each SP's ports form one target port
// group; ports are numbered across the array with relative target port identifiers from 1.

let nextNexus = 1;

export class TargetPort {
  up = true;
  /** I_T nexus ids of the initiators that have talked to this port (interned: no string per command). */
  private readonly nexusIds = new Map<string, number>();

  constructor(
    readonly wwpn: string,
    readonly sp: StorageProcessor,
    /** Relative target port identifier (VPD 0x83, RTPG). */
    readonly relativeId: number,
  ) {}

  /** The I_T nexus id of `initiator` through this port. */
  nexus(initiator: string): number {
    if (initiator === this.lastInitiator) return this.lastNexus;
    let id = this.nexusIds.get(initiator);
    if (id === undefined) this.nexusIds.set(initiator, (id = nextNexus++));
    this.lastInitiator = initiator;
    this.lastNexus = id;
    return id;
  }

  private lastInitiator = '';
  private lastNexus = 0;

  /** A port answers when it, its SP and its array are up. */
  get reachable(): boolean {
    return this.up && this.sp.up;
  }
}

export class StorageProcessor {
  up = true;
  readonly ports: TargetPort[] = [];

  constructor(
    readonly name: string,
    /** 0-based position in the array; the target port group id is index + 1. */
    readonly index: number,
  ) {}

  get groupId(): number {
    return this.index + 1;
  }
}
