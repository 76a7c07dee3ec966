// REPORT and SET TARGET PORT GROUPS (SPC-4 6.36, 6.44): how an ALUA host learns and changes the
// asymmetric access state of a LUN through each storage processor's group of ports.

import { AccessState, SETTABLE_STATES, SUPPORTED_STATES, TpgStatus } from '../alua';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';
import { readFromSgl } from '../../memory/sgl';
import { SenseKey } from '../../scsi/status';
import { dataOutLength } from './extents';

export function reportTargetPortGroups(x: Exchange, array: StorageArray, lun: LogicalUnit): void {
  const extended = x.param === 1;
  const header = extended ? 8 : 4;
  const sps = array.sps;
  const size = header + sps.reduce((n, sp) => n + 8 + 4 * sp.ports.length, 0);
  const d = new Uint8Array(size);
  const dv = new DataView(d.buffer);
  // RETURN DATA LENGTH counts the descriptor list only (SPC-4 6.36, as LIO and tcmu-runner); for the
  // length-only format that is everything after this field.
  dv.setUint32(0, size - header);
  if (extended) {
    d[4] = 0x10; // format type 1
    d[5] = Math.min(255, Math.ceil(array.transitionUs / 1e6)); // IMPLICIT TRANSITION TIME, seconds
  }
  let at = header;
  const now = array.now();
  for (const sp of sps) {
    d[at] = (sp.index === lun.preferredOwner ? 0x80 : 0) | lun.alua.stateAt(sp.index, now);
    d[at + 1] = SUPPORTED_STATES;
    dv.setUint16(at + 2, sp.groupId);
    d[at + 5] = lun.alua.status[sp.index];
    d[at + 7] = sp.ports.length;
    at += 8;
    for (const port of sp.ports) {
      dv.setUint16(at + 2, port.relativeId);
      at += 4;
    }
  }
  x.dataIn(d, x.length);
}

export function setTargetPortGroups(x: Exchange, array: StorageArray, lun: LogicalUnit): void {
  const length = x.length;
  if (length === 0) return x.good();
  if (length < 4 || (length - 4) % 4 !== 0 || length > dataOutLength(x)) {
    return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x1a, 0x00); // parameter list length error
  }
  const list = readFromSgl(array.arena, x.cmd.sgl, x.cmd.nseg, length);
  const requests: { group: number; state: number }[] = [];
  for (let at = 4; at < length; at += 4) {
    const state = list[at] & 0x0f;
    const groupId = (list[at + 2] << 8) | list[at + 3];
    if (!SETTABLE_STATES.includes(state)) return x.invalidField(at, 3, false);
    const group = groupId - 1;
    if (group < 0 || group >= array.sps.length) return x.invalidField(at + 2, 7, false);
    requests.push({ group, state });
  }
  const nexus = array.nexus(x);
  let changed = false;
  for (const { group, state } of requests) {
    if (state === AccessState.ACTIVE_OPTIMIZED) {
      // One owner at a time: the group that was optimized steps down to non-optimized.
      for (let g = 0; g < lun.alua.count; g++) {
        const listed = requests.some((r) => r.group === g);
        if (g !== group && !listed && lun.alua.targetState(g) === AccessState.ACTIVE_OPTIMIZED) {
          changed = lun.alua.set(g, AccessState.ACTIVE_NON_OPTIMIZED, array.now(), array.transitionUs, TpgStatus.SET_BY_STPG) || changed;
        }
      }
      lun.owner = group;
    }
    changed = lun.alua.set(group, state, array.now(), array.transitionUs, TpgStatus.SET_BY_STPG) || changed;
  }
  // Every other I_T nexus learns of the change by a unit attention, ASYMMETRIC ACCESS STATE CHANGED.
  if (changed) lun.raiseAttention(0x2a, 0x06, nexus);
  x.good();
}
