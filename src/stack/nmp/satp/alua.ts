// VMW_SATP_ALUA: arrays that report asymmetric access per target port group (SPC-4 5.15). Each
// path learns its group once from VPD 0x83 (designator type 5); the groups' states come from
// REPORT TARGET PORT GROUPS through any live path. With explicit ALUA (INQUIRY TPGS bit 1) and no
// active path, SET TARGET PORT GROUPS makes a standby group active/optimized.
//
// Group state → path state: AO and ANO (and LBA-dependent) are 'active', standby is 'standby'.
// Unavailable and offline are 'dead': such a group serves no media command and no STPG of ours can
// wake it (the array makes it so, e.g. its SP failed), so it is not a standby path. Transitioning
// keeps an active path active (I/O gets 02/04/0A and is retried) and a standby one standby.

import type { AluaState, Path, PathState, SatpDevice, SatpModule } from '../../plugin-api';
import { checkable, eachPath, sendOnce } from './probe';
import {
  Host, isBecomingReady, isBusy, isGood, isPathLoss, isPdl, isSense, isTransitioning, isUnitAttention, Key, TEST_UNIT_READY,
} from './sense';

const INQUIRY = [0x12, 0x00, 0x00, 0x00, 0x24, 0x00];
const VPD_DEVICE_ID = [0x12, 0x01, 0x83, 0x00, 0xff, 0x00];
const RTPG = [0xa3, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00];
const STPG = [0xa4, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00];

/** Asymmetric access state codes (RTPG d0[3:0]) as esxcli names them, and what the path becomes. */
const STATES: Record<number, { alua: AluaState; name: string; path: PathState }> = {
  0x0: { alua: 'AO', name: 'AO', path: 'active' },
  0x1: { alua: 'ANO', name: 'ANO', path: 'active' },
  0x2: { alua: 'STBY', name: 'STBY', path: 'standby' },
  0x3: { alua: 'UNAV', name: 'UNAV', path: 'dead' },
  0x4: { alua: 'ANO', name: 'LBD', path: 'active' },
  0xe: { alua: 'UNAV', name: 'OFFL', path: 'dead' },
  0xf: { alua: 'TRANS', name: 'TRANS', path: 'standby' },
};
const TRANSITIONING = 0xf;

interface AluaDeviceState {
  /** Target port group id of each path (runtime name), from VPD 0x83. */
  tpg: Record<string, number>;
  /** Group states from the last RTPG, in the array's order. */
  groups: { id: number; state: number }[];
  /** INQUIRY byte 5 TPGS: bit 0 implicit, bit 1 explicit. */
  tpgs?: number;
  /** The group we asked to become AO (with STPG) while it transitions. */
  activating?: number;
}

function state(device: SatpDevice): AluaDeviceState {
  const s = device.state as Partial<AluaDeviceState>;
  s.tpg ??= {};
  s.groups ??= [];
  return s as AluaDeviceState;
}

/** The TARGET PORT GROUP designator (type 5) of a VPD 0x83 page, if there is one. */
function tpgOf(page: Uint8Array): number | undefined {
  const end = Math.min(page.length, 4 + ((page[2] << 8) | page[3]));
  for (let at = 4; at + 4 <= end; at += 4 + page[at + 3]) {
    if ((page[at + 1] & 0x0f) === 5 && page[at + 3] >= 4) return (page[at + 6] << 8) | page[at + 7];
  }
  return undefined;
}

/** RTPG length-only format: descriptors of 8 + 4 × port count bytes after the 4-byte length. */
function groupsOf(data: Uint8Array): { id: number; state: number }[] {
  const groups: { id: number; state: number }[] = [];
  const end = Math.min(data.length, 4 + ((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]));
  for (let at = 4; at + 8 <= end; at += 8 + 4 * data[at + 7]) {
    groups.push({ id: (data[at + 2] << 8) | data[at + 3], state: data[at] & 0x0f });
  }
  return groups;
}

/** Whether the path answers for the LUN: VPD 0x83 the first time (learning its group), TUR after. */
function probe(device: SatpDevice, st: AluaDeviceState, path: Path, done: (alive: boolean) => void): void {
  if (st.tpg[path.name] === undefined) {
    device.send(path, VPD_DEVICE_ID, (r) => {
      const lunThere = isGood(r) && r.data.length > 4 && r.data[0] >> 5 !== 3; // PQ 3: no LUN here (PDL)
      const id = lunThere ? tpgOf(r.data) : undefined;
      if (id !== undefined) st.tpg[path.name] = id;
      done(lunThere);
    });
  } else {
    sendOnce(device, path, TEST_UNIT_READY, (r) => done(r.host === Host.OK && !isPdl(r)));
  }
}

/** Sends `cdb` down the first of `paths` that answers GOOD; `done(undefined)` if none does. */
function firstGood(device: SatpDevice, paths: readonly Path[], cdb: readonly number[], done: (data?: Uint8Array) => void): void {
  const attempt = (i: number): void => {
    if (i >= paths.length) return done(undefined);
    sendOnce(device, paths[i], cdb, (r) => (isGood(r) ? done(r.data) : attempt(i + 1)));
  };
  attempt(0);
}

function checkPaths(device: SatpDevice, done: () => void): void {
  const st = state(device);
  const paths = checkable(device);
  const alive = new Set<Path>();
  const visit = (path: Path, finished: () => void) =>
    probe(device, st, path, (ok) => {
      if (ok) alive.add(path);
      finished();
    });
  eachPath(paths, visit, () => {
    const live = paths.filter((p) => alive.has(p));
    const readGroups = () =>
      firstGood(device, live, RTPG, (data) => {
        if (data) st.groups = groupsOf(data);
        apply(device, st, paths, alive);
        done();
      });
    if (st.tpgs !== undefined || live.length === 0) return readGroups();
    firstGood(device, live, INQUIRY, (data) => {
      if (data && data.length > 5) st.tpgs = (data[5] >> 4) & 3;
      readGroups();
    });
  });
}

function apply(device: SatpDevice, st: AluaDeviceState, paths: readonly Path[], alive: Set<Path>): void {
  const stateOf = (id: number | undefined) => st.groups.find((g) => g.id === id)?.state;
  if (stateOf(st.activating) !== TRANSITIONING) st.activating = undefined;
  for (const path of paths) {
    const id = st.tpg[path.name];
    const code = stateOf(id);
    const mapped = code === undefined ? undefined : (STATES[code] ?? STATES[0x3]);
    if (!alive.has(path)) device.setPathState(path, 'dead', mapped?.alua);
    else if (!mapped) device.setPathState(path, 'active', 'none'); // answers, but no group known
    else if (code !== TRANSITIONING) device.setPathState(path, mapped.path, mapped.alua);
    else device.setPathState(path, path.state === 'active' || id === st.activating ? 'active' : 'standby', 'TRANS');
  }
}

const alua: SatpModule = {
  name: 'VMW_SATP_ALUA',
  description: 'Supports non-specific arrays that use the ALUA protocol',
  defaultPsp: 'VMW_PSP_MRU',

  init(device) {
    state(device);
  },

  onError(_io, _path, o) {
    // The group's state changed, or this path's group is standby / unavailable: re-read and move.
    if (isSense(o, Key.UNIT_ATTENTION, 0x2a, 0x06) || isSense(o, Key.UNIT_ATTENTION, 0x2a, 0x07)) return 'failover';
    if (isSense(o, Key.NOT_READY, 0x04, 0x0b) || isSense(o, Key.NOT_READY, 0x04, 0x0c)) return 'failover';
    if (isTransitioning(o)) return 'retry'; // the array is moving the LUN: the path will serve again
    if (isPathLoss(o)) return 'failover';
    if (isUnitAttention(o) || isBusy(o) || isBecomingReady(o) || o.host === Host.RESET) return 'retry';
    return 'fail'; // PDL (05/25/00) and real errors of the command
  },

  checkPaths,

  activate(device, done) {
    const st = state(device);
    const explicit = ((st.tpgs ?? 0) & 2) !== 0;
    const target = device.paths.find((p) => p.state === 'standby' && st.tpg[p.name] !== undefined);
    if (!explicit || !target || device.paths.some((p) => p.state === 'active')) return checkPaths(device, done);
    const id = st.tpg[target.name];
    const list = Uint8Array.of(0, 0, 0, 0, 0x00, 0, id >> 8, id & 0xff); // one descriptor: group → AO
    sendOnce(device, target, STPG, (r) => {
      if (isGood(r)) st.activating = id;
      checkPaths(device, done);
    }, list);
  },

  describe(device) {
    const st = state(device);
    const on = (bit: number) => ((st.tpgs ?? 0) & bit ? 'on' : 'off');
    const groups = st.groups.map((g) => `{TPG_id=${g.id},TPG_state=${STATES[g.state]?.name ?? 'UNKNOWN'}}`).join('');
    return `{implicit_support=${on(1)}; explicit_support=${on(2)}; explicit_allow=on; alua_followover=on; action_OnRetryErrors=off; ${groups}}`;
  },
};

export default alua;
