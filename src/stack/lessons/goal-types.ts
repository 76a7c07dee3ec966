// The shape of a goal kind: its parameters (checked when a lesson loads), a sentence that states
// the goal, and a check that reads the stack's objects (never esxcli's text) and says, in the
// learner's words, what is still missing.

import type { Host } from '../host';
import type { NmpDevice } from '../nmp/nmp-device';
import type { GoalContext } from './context';

export type ParamType = 'string' | 'number' | 'boolean' | 'regex' | 'strings';

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  /** Allowed values of a string parameter. */
  values?: readonly string[];
}

/** A goal as written in a lesson's frontmatter: `kind` plus that kind's parameters. */
export interface GoalSpec {
  kind: string;
  /** Replaces the generated statement of the goal. */
  description?: string;
  [param: string]: unknown;
}

export interface GoalResult {
  met: boolean;
  message: string;
}

export type GoalChecker = (host: Host, context: GoalContext) => GoalResult;

export interface GoalKind {
  kind: string;
  params: Record<string, ParamSpec>;
  /** Exactly one of these parameters must be given. */
  oneOf?: readonly string[];
  /** The goal stated as a sentence ("naa.… uses VMW_PSP_RR"). */
  describe(goal: GoalSpec): string;
  check(goal: GoalSpec, host: Host, context: GoalContext): GoalResult;
  /**
   * Reads what a check cannot read at one instant (blocks on an array) or must follow over time;
   * awaited after every command, before the checks (which stay synchronous).
   */
  prepare?(goal: GoalSpec, host: Host, context: GoalContext): Promise<void>;
}

export const met = (message: string): GoalResult => ({ met: true, message });
export const unmet = (message: string): GoalResult => ({ met: false, message });

/** The NMP device a goal names, or the unmet result that says it is missing. */
export function nmpDevice(host: Host, id: string): NmpDevice | GoalResult {
  const d = host.nmp.device(id);
  if (d) return d;
  if (host.psa.device(id)) return unmet(`${id} is not claimed by NMP, so it has no SATP or PSP`);
  return unmet(`there is no device ${id}: its paths are gone, masked or unclaimed (esxcli storage core device list)`);
}

export function isResult(x: unknown): x is GoalResult {
  return typeof x === 'object' && x !== null && 'met' in x && 'message' in x;
}

export const s = (goal: GoalSpec, key: string): string => goal[key] as string;
export const n = (goal: GoalSpec, key: string): number => goal[key] as number;
