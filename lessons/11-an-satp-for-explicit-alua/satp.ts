// LAB_SATP_STPG: an SATP for ALUA arrays that change a LUN's groups only when told to
// (explicit ALUA, SPC-4 5.15). Lesson 11.
//
// checkPaths already works: each path learns its target port group from INQUIRY VPD 0x83, one
// REPORT TARGET PORT GROUPS gives every group's state, and each path gets the state of its group.
// onError already says what a failed command means.
//
// activate is yours. NMP calls it when the device has no usable path left. As shipped it only
// looks again, which is all an implicit-ALUA array needs (the array moves the LUN by itself). An
// explicit-only array waits to be told: send SET TARGET PORT GROUPS down a standby path, asking for
// its group to become active/optimized, then look again and call done.

import type { AluaState, PassthroughResult, Path, PathState, SatpDevice, SatpModule } from 'pathlab';

const VPD_83 = [0x12, 0x01, 0x83, 0x00, 0xff, 0x00]; // INQUIRY, device identification page
const RTPG = [0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0]; // REPORT TARGET PORT GROUPS, 1 KiB
// SET TARGET PORT GROUPS: MAINTENANCE OUT (0xA4), service action 0x0A, bytes 6-9 the length of
// the parameter list that goes with it: a 4-byte header, then 4 bytes per group to change
// (byte 0: the asymmetric access state wanted, 0x0 = active/optimized; bytes 2-3: the group id).
const STPG = [0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0x08, 0, 0];
const HOST = { OK: 0, NO_CONNECT: 1, TIMEOUT: 3, ABORT: 5, RESET: 8 };
const CHECK_CONDITION = 2, BUSY = 0x08, TASK_SET_FULL = 0x28, NOT_READY = 2, UNIT_ATTENTION = 6;

/** Asymmetric access state (RTPG descriptor byte 0, low nibble) → what the path becomes. */
const GROUP: Record<number, [PathState, AluaState]> = {
  0x0: ['active', 'AO'], 0x1: ['active', 'ANO'], 0x2: ['standby', 'STBY'], 0x3: ['dead', 'UNAV'],
  0x4: ['active', 'ANO'], 0xe: ['dead', 'UNAV'], 0xf: ['standby', 'TRANS'],
};

/** Per device: each path's group (by runtime name) and each group's state code (by group id). */
const tpgOf = (d: SatpDevice) => (d.state.tpg ??= {}) as Record<string, number>;
const groupsOf = (d: SatpDevice) => (d.state.groups ??= {}) as Record<number, number>;
const good = (r: PassthroughResult) => r.host === HOST.OK && r.status === 0;

/** Sends a CDB; a UNIT ATTENTION (an event report, not an answer) earns one more try. */
function ask(d: SatpDevice, path: Path, cdb: number[], done: (r: PassthroughResult) => void, data?: Uint8Array) {
  d.send(path, cdb, (r) => (r.status === CHECK_CONDITION && r.senseKey === UNIT_ATTENTION ? d.send(path, cdb, done, data) : done(r)), data);
}

function checkPaths(device: SatpDevice, done: () => void): void {
  const paths = device.paths.filter((p) => p.state !== 'disabled');
  const alive: Path[] = [];
  const apply = () => {
    for (const path of paths) {
      const group = tpgOf(device)[path.name];
      const code = groupsOf(device)[group];
      let [state, alua] = code === undefined ? (['active', 'none'] as const) : (GROUP[code] ?? GROUP[0x3]);
      // In transition, a path keeps serving (its I/O is retried on 04/0A), and so does the group we activate.
      if (alua === 'TRANS' && (path.state === 'active' || group === device.state.activating)) state = 'active';
      device.setPathState(path, alive.includes(path) ? state : 'dead', alua);
    }
    done();
  };
  const readGroups = () => {
    if (alive.length === 0) return apply();
    ask(device, alive[0], RTPG, (r) => {
      // After a 4-byte length, descriptors: state, support, group id (2 bytes), .., port count, 4 bytes a port.
      for (let at = 4; good(r) && at + 8 <= r.data.length; at += 8 + 4 * r.data[at + 7]) {
        groupsOf(device)[(r.data[at + 2] << 8) | r.data[at + 3]] = r.data[at] & 0x0f;
      }
      apply();
    });
  };
  let pending = paths.length;
  if (pending === 0) return done();
  for (const path of paths) {
    ask(device, path, VPD_83, (r) => {
      // Designators from byte 4: byte 1 low nibble is the type (5: target port group), byte 3 the length.
      for (let at = 4; good(r) && at + 8 <= r.data.length; at += 4 + r.data[at + 3]) {
        if ((r.data[at + 1] & 0x0f) === 5) tpgOf(device)[path.name] = (r.data[at + 6] << 8) | r.data[at + 7];
      }
      if (good(r)) alive.push(path);
      if (--pending === 0) readGroups();
    });
  }
}

export default {
  name: 'LAB_SATP_STPG',
  description: 'Explicit ALUA: SET TARGET PORT GROUPS when no path is usable',
  defaultPsp: 'VMW_PSP_MRU',

  onError(_io, _path, o) {
    if (o.host === HOST.NO_CONNECT || o.host === HOST.TIMEOUT || o.host === HOST.ABORT) return 'failover'; // path lost it
    if (o.host === HOST.RESET || o.status === BUSY || o.status === TASK_SET_FULL) return 'retry';
    if (o.status !== CHECK_CONDITION) return 'fail';
    if (o.senseKey === NOT_READY) return o.asc === 4 && (o.ascq === 0x0a || o.ascq === 1) ? 'retry' : 'failover'; // 04/0A moving; 04/0B standby
    if (o.senseKey === UNIT_ATTENTION) return o.asc === 0x2a ? 'failover' : 'retry'; // 2A/06: ALUA states changed
    return 'fail'; // a real error of the command (medium error, illegal request...)
  },

  checkPaths,

  activate(device, done) {
    // TODO: when no path is active and a standby path is known (its group in tpgOf(device)):
    //   1. build the parameter list: 4 header bytes of 0, then 0x00 (AO), 0, the group id (2 bytes);
    //   2. ask(device, thatPath, STPG, answer, list);
    //   3. in the answer, if good(r), set device.state.activating to the group id (its paths keep
    //      serving while the group transitions), then checkPaths(device, done).
    checkPaths(device, done);
  },

  describe(device) {
    return `{${Object.entries(groupsOf(device)).map(([id, code]) => `TPG_id=${id},TPG_state=${GROUP[code]?.[1] ?? code}`).join('; ')}}`;
  },
} satisfies SatpModule;
