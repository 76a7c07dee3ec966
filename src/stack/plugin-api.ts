// The public plugin API: what a path selection plugin (PSP), a storage array type plugin (SATP) or
// a whole multipathing plugin sees of the stack. Built-in plugins are written against exactly this,
// so a learner can read VMW_PSP_RR and write their own beside it. Keep these names: they are the
// contract the editor's completion and the lessons teach.

/** Path state as esxcli prints it. */
export type PathState = 'active' | 'standby' | 'dead' | 'disabled' | 'unknown';

/** The ALUA asymmetric access state of the path's target port group, or 'none' without ALUA. */
export type AluaState = 'AO' | 'ANO' | 'STBY' | 'UNAV' | 'TRANS' | 'none';

export interface PathStats {
  /** Commands completed on this path. */
  readonly ios: number;
  readonly bytes: number;
  /** Average device latency (DAVG) of those commands, in microseconds. */
  readonly avgLatencyUs: number;
}

export interface Path {
  /** Runtime name, e.g. "vmhba1:C0:T1:L0". */
  readonly name: string;
  /** Adapter name, e.g. "vmhba1". */
  readonly adapter: string;
  /** Target port WWPN, e.g. "50:01:40:5a:01:00:00:00". */
  readonly target: string;
  readonly lun: number;
  readonly state: PathState;
  readonly alua: AluaState;
  /** The Fixed PSP's preferred path of its device. */
  readonly preferred: boolean;
  /** Commands in flight on this path now. */
  readonly outstanding: number;
  readonly stats: PathStats;
}

/** One command as a plugin sees it. */
export interface Io {
  readonly op: 'read' | 'write' | 'other';
  readonly lba: number;
  readonly blocks: number;
  readonly bytes: number;
  /** Serial number of the command, unique per host. */
  readonly serial: number;
}

export interface Device {
  /** Device id, e.g. "naa.600140500a1a00010000000000000000". */
  readonly id: string;
  readonly vendor: string;
  readonly model: string;
  /** Every path of the device, in runtime-name order, whatever its state. */
  readonly paths: readonly Path[];
  /** Per-device settings of the device's PSP (e.g. iops, bytes, limitType, useANO, preferred). */
  readonly pspConfig: Readonly<Record<string, string | number | boolean>>;
  /** Scratch space for the plugin that owns this role on the device; cleared when the plugin changes. */
  readonly state: Record<string, unknown>;
  /** Virtual time now, in microseconds. */
  now(): number;
}

/** How a command ended, as NMP hands it to the SATP (ESXi logs it as H:0x.. D:0x.. sense). */
export interface CommandOutcome {
  /** Host status: 0 OK, 1 NO_CONNECT, 3 TIMEOUT, 5 ABORT, 7 ERROR, 8 RESET. */
  readonly host: number;
  /** SCSI status: 0 GOOD, 2 CHECK CONDITION, 8 BUSY, 0x28 TASK SET FULL. */
  readonly status: number;
  readonly senseKey: number;
  readonly asc: number;
  readonly ascq: number;
}

export interface PspModule {
  readonly name: string;
  readonly description?: string;
  /** Called when the PSP is set on a device (and when the device's paths are first known). */
  init?(device: Device): void;
  /** Called on every command: return one of `paths` (the device's usable paths; never empty here). */
  selectPath(io: Io, paths: readonly Path[], device: Device): Path;
  /** Called when a command that this PSP routed completes. */
  completed?(io: Io, path: Path, latencyUs: number, outcome: CommandOutcome, device: Device): void;
  /** Called when one of the device's paths changes state. */
  pathStateChanged?(path: Path, device: Device): void;
  /** The "Path Selection Policy Device Config" string esxcli prints for a device. */
  describe?(device: Device): string;
}

/** What an SATP decides about a failed command. */
export type ErrorAction = 'retry' | 'failover' | 'fail';

/** The answer to a command an SATP sent down one path. */
export interface PassthroughResult extends CommandOutcome {
  readonly data: Uint8Array;
}

/** A device as its SATP sees it: it may also send commands down a path and set path states. */
export interface SatpDevice extends Device {
  /** Sends one CDB down `path`; `done` runs when it completes, in virtual time. */
  send(path: Path, cdb: readonly number[], done: (result: PassthroughResult) => void, dataOut?: Uint8Array): void;
  /** Records what the SATP learnt of a path (NMP tells the PSP when it changed). */
  setPathState(path: Path, state: PathState, alua?: AluaState): void;
}

export interface SatpModule {
  readonly name: string;
  readonly description?: string;
  /** The PSP a device claimed by this SATP gets unless told otherwise. */
  readonly defaultPsp: string;
  init?(device: SatpDevice): void;
  /** Called on every failed command: retry on the same path, fail over to another, or fail it. */
  onError(io: Io, path: Path, outcome: CommandOutcome, device: SatpDevice): ErrorAction;
  /** Path evaluation: find out each path's state, then call `done`. */
  checkPaths(device: SatpDevice, done: () => void): void;
  /** Called when no path is usable: make standby or passive paths usable, then call `done`. */
  activate?(device: SatpDevice, done: () => void): void;
  /** The "Storage Array Type Device Config" string esxcli prints for a device. */
  describe?(device: SatpDevice): string;
}

/** A path the claim rules offer to a multipathing plugin, with what discovery read of its LUN. */
export interface ClaimedPath extends Path {
  /** The device id the path leads to (from VPD 0x83), e.g. "naa.6001405...". */
  readonly deviceId: string;
  /** INQUIRY vendor and product of the LUN behind the path. */
  readonly vendor: string;
  readonly model: string;
}

/** How a multipathing plugin ends a failed command. */
export type MppErrorAction = ErrorAction;

/** A device as its own multipathing plugin sees it: it may also send commands down a path. */
export interface MppDevice extends Device {
  send(path: Path, cdb: readonly number[], done: (result: PassthroughResult) => void, dataOut?: Uint8Array): void;
  /** Records what the plugin learnt of a path: 'dead' and 'standby' paths get no commands. */
  setPathState(path: Path, state: PathState, alua?: AluaState): void;
}

/**
 * A whole multipathing plugin beside NMP (ESXi's MPP). The framework does the bookkeeping: it
 * groups the claimed paths into devices by device id, queues and counts commands, sends them down
 * the path the plugin picks, and marks a path dead when its transport fails. The plugin decides
 * which paths it takes, where each command goes and what a failure means.
 */
export interface MppModule {
  readonly name: string;
  readonly description?: string;
  /** The claim protocol: take (true) or leave (false) a path the claim rules offer this plugin. */
  claimPath(path: ClaimedPath): boolean;
  /** A device made of the plugin's claimed paths opened (after claiming, or when a new path arrives). */
  openDevice?(device: MppDevice): void;
  /** The device closes: its paths are unclaimed, or the plugin is unloaded. */
  closeDevice?(device: MppDevice): void;
  /** Starts a command: return one of `paths` (the device's usable paths; never empty here). */
  startCommand(io: Io, paths: readonly Path[], device: MppDevice): Path;
  /** A command completed. For a failed one, say what to do: retry, fail over, or fail it back. */
  commandDone?(io: Io, path: Path, outcome: CommandOutcome, device: MppDevice): MppErrorAction | void;
  /** Task management: abort the device's outstanding commands or reset the LUN, then call `done`. */
  taskManagement?(kind: 'abort' | 'lun-reset', device: MppDevice, done: () => void): void;
  /** One of the device's paths changed state (a link, port or SP came or went). */
  pathStateChanged?(path: Path, device: MppDevice): void;
}

/** What a learner's module may default-export. */
export type PluginModule = PspModule | SatpModule | MppModule;
