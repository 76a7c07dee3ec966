// The built-in SATPs against the real virtual arrays: a small SatpDevice whose send() is a real
// SCSI exchange with the array (sg-request), and whose paths name the array's target ports. No
// mocks: the sense codes, RTPG and VPD bytes the SATPs read are the arrays' own.

import { beforeEach, describe, expect, it } from 'vitest';
import { bootStack, type Stack } from '../../src/stack/boot';
import { sendCdb, sendCdbSync, type SgResponse } from '../../src/stack/initiator/sg-request';
import type { StorageArray } from '../../src/stack/arrays/storage-array';
import type { TargetPort } from '../../src/stack/arrays/ports';
import type {
  AluaState, CommandOutcome, Io, PassthroughResult, Path, PathState, SatpDevice, SatpModule,
} from '../../src/stack/plugin-api';
import { builtinSatps } from '../../src/stack/nmp/satp';
import alua from '../../src/stack/nmp/satp/alua';
import defaultAA from '../../src/stack/nmp/satp/default-aa';
import defaultAP from '../../src/stack/nmp/satp/default-ap';
import local from '../../src/stack/nmp/satp/local';

interface LabPath extends Path {
  state: PathState;
  alua: AluaState;
  port: TargetPort;
}

interface Harness {
  device: SatpDevice;
  paths: LabPath[];
  /** Commands the SATP sent, as opcode bytes. */
  sent: number[];
  /** Sends a CDB down path i as the host's I/O would (adapter vmhba1), for onError. */
  io(i: number, cdb: number[], dataOut?: Uint8Array): Promise<PassthroughResult>;
  check(satp: SatpModule): Promise<void>;
  activate(satp: SatpModule): Promise<void>;
  states(): string[];
}

/** Sense key / ASC / ASCQ from fixed (0x70) or descriptor (0x72) sense bytes. */
function outcome(r: SgResponse): PassthroughResult {
  const s = r.sense;
  const descriptor = (s[0] & 0x7e) === 0x72;
  return {
    host: r.hostStatus,
    status: r.status,
    senseKey: s.length === 0 ? 0 : descriptor ? s[1] & 0x0f : s[2] & 0x0f,
    asc: s.length === 0 ? 0 : descriptor ? s[2] : s[12],
    ascq: s.length === 0 ? 0 : descriptor ? s[3] : s[13],
    data: r.dataIn,
  };
}

let t = 0;

function harness(stack: Stack, array: StorageArray, lun: number, { sync = false } = {}): Harness {
  const paths: LabPath[] = array.ports.map((port, i) => ({
    name: `vmhba1:C0:T${i}:L${lun}`, adapter: 'vmhba1', target: port.wwpn, lun,
    state: 'active', alua: 'none', preferred: false, outstanding: 0, stats: { ios: 0, bytes: 0, avgLatencyUs: 0 }, port,
  }));
  const sent: number[] = [];
  const request = (path: Path, cdb: readonly number[], dataOut?: Uint8Array) => ({
    cdb, dataOut, dataIn: dataOut ? undefined : 4096, initiator: path.adapter,
  });
  const device: SatpDevice = {
    id: array.luns[lun].naaId, vendor: array.config.vendor, model: array.config.product,
    paths, pspConfig: {}, state: {}, now: () => t,
    send(path, cdb, done, dataOut) {
      sent.push(cdb[0]);
      const port = (path as LabPath).port;
      if (sync) done(outcome(sendCdbSync(stack.arena, array, port, lun, request(path, cdb, dataOut))));
      else void sendCdb(stack.arena, array, port, lun, request(path, cdb, dataOut)).then((r) => done(outcome(r)));
    },
    setPathState(path, state, aluaState) {
      const p = path as LabPath;
      p.state = state;
      if (aluaState !== undefined) p.alua = aluaState;
    },
  };
  const once = (run: (done: () => void) => void) =>
    new Promise<void>((resolve, reject) => {
      let calls = 0;
      run(() => {
        if (++calls > 1) reject(new Error('done called twice'));
        else setTimeout(resolve, 0); // a second call would land before this
      });
    });
  return {
    device, paths, sent,
    io: async (i, cdb, dataOut) => outcome(await sendCdb(stack.arena, array, paths[i].port, lun, request(paths[i], cdb, dataOut))),
    check: (satp) => once((done) => satp.checkPaths(device, done)),
    activate: (satp) => once((done) => satp.activate!(device, done)),
    states: () => paths.map((p) => (p.alua === 'none' ? p.state : `${p.state}/${p.alua}`)),
  };
}

const READ10 = [0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0];
const TUR = [0, 0, 0, 0, 0, 0];
const be16 = (x: number) => [(x >> 8) & 0xff, x & 0xff];
const stpg = (...groups: { state: number; id: number }[]) => ({
  cdb: [0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 4 + 4 * groups.length, 0, 0],
  data: Uint8Array.from([0, 0, 0, 0, ...groups.flatMap((g) => [g.state, 0, ...be16(g.id)])]),
});
const io: Io = { op: 'read', lba: 0, blocks: 1, bytes: 512, serial: 1 };
const o = (host: number, status = 0, senseKey = 0, asc = 0, ascq = 0): CommandOutcome => ({ host, status, senseKey, asc, ascq });

let stack: Stack;
beforeEach(async () => {
  t = 0;
  stack = await bootStack();
});
const arrayNamed = (name: string) => stack.array(name)!;

describe('builtinSatps', () => {
  it('lists the four SATPs with their default PSPs', () => {
    expect(builtinSatps.map((s) => [s.name, s.defaultPsp])).toEqual([
      ['VMW_SATP_DEFAULT_AA', 'VMW_PSP_FIXED'],
      ['VMW_SATP_DEFAULT_AP', 'VMW_PSP_MRU'],
      ['VMW_SATP_ALUA', 'VMW_PSP_MRU'],
      ['VMW_SATP_LOCAL', 'VMW_PSP_FIXED'],
    ]);
  });
});

describe('VMW_SATP_DEFAULT_AA', () => {
  it('checks paths with TEST UNIT READY: working, port down, LUN lost', async () => {
    const array = arrayNamed('aa-array');
    const h = harness(stack, array, 0);
    await h.check(defaultAA);
    expect(h.states()).toEqual(['active', 'active']);
    expect(h.sent).toEqual([0, 0]);
    array.setPortUp(array.ports[1], false);
    await h.check(defaultAA);
    expect(h.states()).toEqual(['active', 'dead']);
    array.setPortUp(array.ports[1], true);
    await h.check(defaultAA);
    expect(h.states()).toEqual(['active', 'active']);
    array.setLunLost(array.lun(0)!, true);
    await h.check(defaultAA);
    expect(h.states()).toEqual(['dead', 'dead']);
  });

  it('completes path checks that answer synchronously exactly once', async () => {
    const array = arrayNamed('aa-array');
    const h = harness(stack, array, 1, { sync: true });
    array.setSpUp(array.sps[0], false);
    await h.check(defaultAA);
    expect(h.states()).toEqual(['dead', 'active']);
  });

  it('leaves administratively disabled paths alone', async () => {
    const h = harness(stack, arrayNamed('aa-array'), 0);
    h.paths[0].state = 'disabled';
    await h.check(defaultAA);
    expect(h.states()).toEqual(['disabled', 'active']);
  });

  it('fails over only when the path is lost; retries transient conditions; fails the rest', async () => {
    const array = arrayNamed('aa-array');
    const h = harness(stack, array, 0);
    array.setPortUp(array.ports[0], false);
    const lost = await h.io(0, READ10);
    expect(lost.host).toBe(1);
    expect(defaultAA.onError(io, h.paths[0], lost, h.device)).toBe('failover');
    array.setLunLost(array.lun(0)!, true);
    const pdl = await h.io(1, READ10);
    expect([pdl.senseKey, pdl.asc, pdl.ascq]).toEqual([5, 0x25, 0]);
    expect(defaultAA.onError(io, h.paths[1], pdl, h.device)).toBe('fail');
    expect(defaultAA.onError(io, h.paths[1], o(3), h.device)).toBe('failover'); // timeout
    expect(defaultAA.onError(io, h.paths[1], o(5), h.device)).toBe('failover'); // abort
    expect(defaultAA.onError(io, h.paths[1], o(0, 0x08), h.device)).toBe('retry'); // BUSY
    expect(defaultAA.onError(io, h.paths[1], o(0, 0x28), h.device)).toBe('retry'); // TASK SET FULL
    expect(defaultAA.onError(io, h.paths[1], o(0, 2, 6, 0x29, 0), h.device)).toBe('retry'); // power on / reset UA
    expect(defaultAA.onError(io, h.paths[1], o(0, 2, 2, 4, 1), h.device)).toBe('retry'); // becoming ready
    expect(defaultAA.onError(io, h.paths[1], o(0, 2, 3, 0x11, 0), h.device)).toBe('fail'); // medium error
    expect(defaultAA.onError(io, h.paths[1], o(7), h.device)).toBe('fail'); // H:0x7 is no A/A trigger
  });

  it('VMW_SATP_LOCAL behaves the same for a direct-attached disk', async () => {
    const array = arrayNamed('aa-array');
    const h = harness(stack, array, 1);
    array.setPortUp(array.ports[0], false);
    await h.check(local);
    expect(h.states()).toEqual(['dead', 'active']);
    expect(local.onError(io, h.paths[0], await h.io(0, READ10), h.device)).toBe('failover');
    expect(local.defaultPsp).toBe('VMW_PSP_FIXED');
  });
});

describe('VMW_SATP_DEFAULT_AP', () => {
  it('sees the passive SP\'s path as standby and fails over on 02/04/03', async () => {
    const array = arrayNamed('ap-array');
    const h = harness(stack, array, 0); // LUN 0 is owned by SPA (T0)
    await h.check(defaultAP);
    expect(h.states()).toEqual(['active', 'standby']);
    const passive = await h.io(1, READ10);
    expect([passive.senseKey, passive.asc, passive.ascq]).toEqual([2, 4, 3]);
    expect(defaultAP.onError(io, h.paths[1], passive, h.device)).toBe('failover');
    expect(defaultAP.onError(io, h.paths[1], o(0, 2, 5, 4, 3), h.device)).toBe('failover');
    expect(defaultAP.onError(io, h.paths[1], o(0, 2, 2, 4, 0x0a), h.device)).toBe('failover');
    expect(defaultAP.onError(io, h.paths[1], o(7), h.device)).toBe('failover');
    expect(defaultAP.onError(io, h.paths[1], o(0, 0x08), h.device)).toBe('retry');
    expect(defaultAP.onError(io, h.paths[1], o(0, 2, 5, 0x25, 0), h.device)).toBe('fail');
    array.setSpUp(array.sps[0], false);
    const gone = await h.io(0, READ10);
    expect(defaultAP.onError(io, h.paths[0], gone, h.device)).toBe('failover');
    await h.check(defaultAP);
    expect(h.states()).toEqual(['dead', 'standby']);
  });

  it('activate() trespasses the LUN to the standby SP with START STOP UNIT', async () => {
    const array = arrayNamed('ap-array');
    const h = harness(stack, array, 0);
    array.setSpUp(array.sps[0], false);
    await h.check(defaultAP);
    expect(h.states()).toEqual(['dead', 'standby']);
    h.sent.length = 0;
    await h.activate(defaultAP);
    expect(h.sent[0]).toBe(0x1b);
    expect(array.lun(0)!.owner).toBe(1);
    expect(h.states()).toEqual(['dead', 'active']);
    const tur = await h.io(1, TUR);
    expect([tur.host, tur.status]).toEqual([0, 0]);
    // The old SP returns as the passive one: no failback by the array.
    array.setSpUp(array.sps[0], true);
    await h.check(defaultAP);
    expect(h.states()).toEqual(['standby', 'active']);
  });
});

describe('VMW_SATP_ALUA', () => {
  it('learns each path\'s group from VPD 0x83 and the states from RTPG', async () => {
    const array = arrayNamed('alua-array');
    const h = harness(stack, array, 0); // LUN 0: SPA (group 1, T0-T1) optimized
    await h.check(alua);
    expect(h.states()).toEqual(['active/AO', 'active/AO', 'active/ANO', 'active/ANO']);
    expect(h.device.state.tpg).toEqual({
      'vmhba1:C0:T0:L0': 1, 'vmhba1:C0:T1:L0': 1, 'vmhba1:C0:T2:L0': 2, 'vmhba1:C0:T3:L0': 2,
    });
    expect(alua.describe!(h.device)).toBe(
      '{implicit_support=on; explicit_support=on; explicit_allow=on; alua_followover=on; action_OnRetryErrors=off; {TPG_id=1,TPG_state=AO}{TPG_id=2,TPG_state=ANO}}',
    );
    // Groups and TPGS are cached: the second check sends one TUR per path and one RTPG.
    h.sent.length = 0;
    await h.check(alua);
    expect(h.sent).toEqual([0, 0, 0, 0, 0xa3]);
    const lun1 = harness(stack, array, 1);
    await lun1.check(alua);
    expect(lun1.states()).toEqual(['active/ANO', 'active/ANO', 'active/AO', 'active/AO']);
  });

  it('SP failure: dead paths, the survivor transitions, then is AO', async () => {
    const array = arrayNamed('alua-array');
    array.now = () => t;
    const h = harness(stack, array, 0);
    await h.check(alua);
    array.setSpUp(array.sps[0], false);
    // The first command through the survivor reports the state change as a unit attention.
    const ua = await h.io(2, READ10);
    expect([ua.senseKey, ua.asc, ua.ascq]).toEqual([6, 0x2a, 0x06]);
    expect(alua.onError(io, h.paths[2], ua, h.device)).toBe('failover');
    const moving = await h.io(2, READ10);
    expect([moving.senseKey, moving.asc, moving.ascq]).toEqual([2, 4, 0x0a]);
    expect(alua.onError(io, h.paths[2], moving, h.device)).toBe('retry');
    const lost = await h.io(0, READ10);
    expect(alua.onError(io, h.paths[0], lost, h.device)).toBe('failover');
    await h.check(alua);
    expect(h.states()).toEqual(['dead/UNAV', 'dead/UNAV', 'active/TRANS', 'active/TRANS']);
    t = 300_000;
    await h.check(alua);
    expect(h.states()).toEqual(['dead/UNAV', 'dead/UNAV', 'active/AO', 'active/AO']);
    expect(alua.describe!(h.device)).toContain('{TPG_id=1,TPG_state=UNAV}{TPG_id=2,TPG_state=AO}}');
  });

  it('a port down is a dead path, its group unchanged; PDL is dead everywhere', async () => {
    const array = arrayNamed('alua-array');
    const h = harness(stack, array, 0);
    array.setPortUp(array.ports[1], false);
    await h.check(alua);
    expect(h.states()).toEqual(['active/AO', 'dead', 'active/ANO', 'active/ANO']);
    array.setPortUp(array.ports[1], true);
    await h.check(alua);
    expect(h.states()).toEqual(['active/AO', 'active/AO', 'active/ANO', 'active/ANO']);
    array.setLunLost(array.lun(0)!, true);
    await h.check(alua);
    expect(h.states().map((s) => s.split('/')[0])).toEqual(['dead', 'dead', 'dead', 'dead']);
    const pdl = await h.io(0, READ10);
    expect(alua.onError(io, h.paths[0], pdl, h.device)).toBe('fail');
  });

  it('standby and unavailable groups fail over', async () => {
    const h = harness(stack, arrayNamed('alua-array'), 0);
    expect(alua.onError(io, h.paths[0], o(0, 2, 2, 4, 0x0b), h.device)).toBe('failover');
    expect(alua.onError(io, h.paths[0], o(0, 2, 2, 4, 0x0c), h.device)).toBe('failover');
    expect(alua.onError(io, h.paths[0], o(3), h.device)).toBe('failover');
    expect(alua.onError(io, h.paths[0], o(0, 0x28), h.device)).toBe('retry');
    expect(alua.onError(io, h.paths[0], o(0, 2, 3, 0x11, 0), h.device)).toBe('fail');
  });

  it('explicit activate(): STPG makes the first standby path\'s group AO', async () => {
    const array = arrayNamed('alua-array');
    array.now = () => t;
    const h = harness(stack, array, 0);
    await h.check(alua);
    const both = stpg({ state: 2, id: 1 }, { state: 2, id: 2 });
    const r = await h.io(0, both.cdb, both.data);
    expect([r.host, r.status]).toEqual([0, 0]);
    t = 300_000;
    await h.check(alua);
    expect(h.states()).toEqual(['standby/STBY', 'standby/STBY', 'standby/STBY', 'standby/STBY']);
    expect(alua.onError(io, h.paths[0], await h.io(0, READ10), h.device)).toBe('failover');
    h.sent.length = 0;
    await h.activate(alua);
    expect(h.sent[0]).toBe(0xa4);
    // The group we asked for is in transition: its paths count as active (I/O retries 02/04/0A).
    expect(h.states()).toEqual(['active/TRANS', 'active/TRANS', 'standby/STBY', 'standby/STBY']);
    t = 600_000;
    await h.check(alua);
    expect(h.states()).toEqual(['active/AO', 'active/AO', 'standby/STBY', 'standby/STBY']);
    const read = await h.io(0, READ10);
    expect([read.host, read.status]).toEqual([0, 0]);
  });

  it('activate() does nothing but re-check on an implicit-only array', async () => {
    const implicitStack = await bootStack({
      arrays: [{ ...stack.array('alua-array')!.config, name: 'implicit', alua: 'implicit' }],
    });
    const array = implicitStack.array('implicit')!;
    const h = harness(implicitStack, array, 0);
    await h.check(alua);
    expect(alua.describe!(h.device)).toMatch(/^\{implicit_support=on; explicit_support=off;/);
    h.sent.length = 0;
    await h.activate(alua);
    expect(h.sent).not.toContain(0xa4);
  });
});
