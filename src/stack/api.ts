// The worker API: everything the lab (and the end-to-end tests) may ask of the stack.
// The lab imports only types from here; the stack runs behind comlink in a module worker.

import type { LabSnapshot } from './workbench/snapshot';
import type { StatsFrame } from './workbench/frames';
import type { Speed } from './workbench/time-control';

export type { LabSnapshot, StatsFrame, Speed };

export type Personality = 'active-active' | 'active-passive' | 'alua';

/** Which implementation of the hot paths runs: the AssemblyScript modules or their TypeScript twins. */
export interface EngineInfo {
  engine: 'wasm' | 'typescript';
  /** Why the TypeScript twins run instead of WebAssembly, when they do. */
  reason?: string;
}

/** A LUN as the host sees it through INQUIRY, VPD 0x83 and READ CAPACITY (16). */
export interface LunInventory {
  lun: number;
  vendor: string;
  product: string;
  revision: string;
  /** The NAA designator of VPD page 0x83 as a device id, e.g. "naa.6001405..." */
  naa: string;
  blockSize: number;
  blocks: number;
  capacityBytes: number;
}

export interface ArrayInventory {
  name: string;
  personality: Personality;
  luns: LunInventory[];
}

/** What one line of the lab-script language printed, and whether it succeeded. */
export interface ConsoleResult {
  output: string;
  ok: boolean;
}

/** A whole script's transcript (each command echoed as `$ command`, then its output). */
export interface ScriptResult {
  transcript: string;
  /** 1-based number of the line that failed and stopped the script, or 0. */
  failedLine: number;
}

export interface StackApi {
  /** Boots the default scenario (idempotent) and says which engine runs. */
  start(): Promise<EngineInfo>;
  /** Reads every array's LUNs through real SCSI commands. */
  inventory(): Promise<ArrayInventory[]>;
  /** Runs one console line (esxcli, fio, fault, repair, sleep, esxtop). */
  run(line: string): Promise<ConsoleResult>;
  /** Runs a lab script, as `npx pathlab run` does. */
  runScript(text: string): Promise<ScriptResult>;
  /** Everything the workbench shows, as plain data. */
  snapshot(): Promise<LabSnapshot>;
  /** Time controls: paused, 1x, 10x or as fast as possible. */
  setSpeed(speed: Speed): Promise<void>;
  /** Advances virtual time by `us` microseconds, whatever the speed. */
  step(us: number): Promise<void>;
  /**
   * Frames of statistics as time advances (at most about 30 a second). Pass a comlink proxy; the
   * previous subscriber, if any, is replaced.
   */
  onFrames(callback: (frame: StatsFrame) => void): Promise<void>;
}
