// Asymmetric access states (SPC-4 5.15) of one LUN through each target port group, with timed
// transitions: a group moving to a new state reports TRANSITIONING until the array's transition
// time has passed on the virtual clock. States are computed on read, so no timer is needed.

export const AccessState = {
  ACTIVE_OPTIMIZED: 0x0,
  ACTIVE_NON_OPTIMIZED: 0x1,
  STANDBY: 0x2,
  UNAVAILABLE: 0x3,
  OFFLINE: 0xe,
  TRANSITIONING: 0xf,
} as const;

/** RTPG descriptor status code: why the state last changed. */
export const TpgStatus = { NONE: 0, SET_BY_STPG: 1, IMPLICIT: 2 } as const;

/** States a host may ask for with SET TARGET PORT GROUPS (AO, ANO, standby, unavailable). */
export const SETTABLE_STATES: readonly number[] = [0x0, 0x1, 0x2, 0x3];

/** RTPG supported-states byte: T_SUP, U_SUP, S_SUP, AN_SUP, AO_SUP. */
export const SUPPORTED_STATES = 0x8f;

export class AluaGroups {
  private readonly states: Uint8Array;
  private readonly until: Float64Array;
  readonly status: Uint8Array;

  constructor(groups: number, owner: number) {
    this.states = new Uint8Array(groups).fill(AccessState.ACTIVE_NON_OPTIMIZED);
    this.states[owner] = AccessState.ACTIVE_OPTIMIZED;
    this.until = new Float64Array(groups);
    this.status = new Uint8Array(groups);
  }

  get count(): number {
    return this.states.length;
  }

  /** State of group `g` (0-based) at virtual time `now`. */
  stateAt(g: number, now: number): number {
    return now < this.until[g] ? AccessState.TRANSITIONING : this.states[g];
  }

  /** Target state of a group, ignoring any transition in progress. */
  targetState(g: number): number {
    return this.states[g];
  }

  /** Moves group `g` to `state`, through TRANSITIONING for `transitionUs`. Returns whether it changed. */
  set(g: number, state: number, now: number, transitionUs: number, status: number): boolean {
    if (this.states[g] === state) return false;
    this.states[g] = state;
    this.until[g] = now + transitionUs;
    this.status[g] = status;
    return true;
  }
}
