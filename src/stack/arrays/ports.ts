// Storage processors (controllers) and their target ports. Each SP's ports form one target port
// group; ports are numbered across the array with relative target port identifiers from 1.

export class TargetPort {
  up = true;

  constructor(
    readonly wwpn: string,
    readonly sp: StorageProcessor,
    /** Relative target port identifier (VPD 0x83, RTPG). */
    readonly relativeId: number,
  ) {}

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
