// Protocol endpoints and bound vVols at the SCSI level: what `npx pathlab sg` gets from the PE (an
// administrative LU with LU_CONG), REPORT LUNS with the conglomerate SELECT REPORT values, and
// what a vVol behind the PE (a subsidiary LU, "255:1") answers once bound, to whom, and before.
// sg3-utils decodes the bytes where it is installed.

import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { conglomerateLun } from '../../src/stack/arrays/vvol-conglomerate';
import { bootStack } from '../../src/stack/boot';
import { Host } from '../../src/stack/host';
import { sendCdb } from '../../src/stack/initiator/sg-request';
import { vvols } from '../../src/stack/vvol';

const exec = promisify(execFile);

async function sgJson(...args: string[]): Promise<{ status: number; sense: string; dataIn: number[] }> {
  const { stdout } = await exec('node', ['bin/pathlab.js', 'sg', '--json', ...args]);
  const r = JSON.parse(stdout) as { status: number; sense: string; dataIn: string };
  return { status: r.status, sense: r.sense, dataIn: r.dataIn === '' ? [] : r.dataIn.split(' ').map((b) => parseInt(b, 16)) };
}

const hasTool = (name: string) => {
  try {
    execFileSync('which', [name]);
    return true;
  } catch {
    return false;
  }
};
const dir = mkdtempSync(join(tmpdir(), 'pathlab-vvol-'));

const INQUIRY = [0x12, 0, 0, 0, 96, 0];
const VPD_83 = [0x12, 1, 0x83, 0, 255, 0];
const TUR = [0, 0, 0, 0, 0, 0];
const reportLuns = (select: number) => [0xa0, 0, select, 0, 0, 0, 0, 0, 0x40, 0, 0, 0];
const READ_CAPACITY_16 = [0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0];
const u32 = (b: ArrayLike<number>, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const lunsOf = (d: ArrayLike<number>) => Array.from({ length: u32(d, 0) / 8 }, (_, i) => Array.from(d).slice(8 + 8 * i, 16 + 8 * i));
const senseOf = (s: Uint8Array | number[]) => `${(s[2] & 0xf).toString(16).padStart(2, '0')}/${s[12].toString(16).padStart(2, '0')}/${s[13].toString(16).padStart(2, '0')}`;

describe('npx pathlab sg against the protocol endpoint (vvol-array LUN 255)', () => {
  it('INQUIRY: a disk (PQ 0, PDT 0) with LU_CONG set; an ordinary LUN has it clear', async () => {
    const pe = await sgJson('--array', 'vvol-array', '--lun', '255', '12', '00', '00', '00', '24', '00');
    expect(pe.status).toBe(0);
    expect(pe.dataIn[0]).toBe(0x00);
    expect(pe.dataIn[1]).toBe(0x40); // LU_CONG
    expect(String.fromCharCode(...pe.dataIn.slice(16, 23))).toBe('VVOL-VA');
    const lun = await sgJson('--array', 'aa-array', '--lun', '0', '12', '00', '00', '00', '24', '00');
    expect(lun.dataIn[1]).toBe(0x00);
  });

  it('REPORT LUNS: SELECT REPORT 0 and 0x11 list the PE, 0x10 only administrative LUs, none on an array without vVols', async () => {
    const all = await sgJson('--array', 'vvol-array', '--lun', '255', 'a0 00 00 00 00 00 00 00 00 40 00 00');
    expect(lunsOf(all.dataIn)).toEqual([[0x00, 0xff, 0, 0, 0, 0, 0, 0]]);
    const withNonConglomerate = await sgJson('--array', 'vvol-array', '--lun', '255', 'a0 00 11 00 00 00 00 00 00 40 00 00');
    expect(lunsOf(withNonConglomerate.dataIn)).toEqual([[0x00, 0xff, 0, 0, 0, 0, 0, 0]]);
    const admin = await sgJson('--array', 'vvol-array', '--lun', '255', 'a0 00 10 00 00 00 00 00 00 40 00 00');
    expect(lunsOf(admin.dataIn)).toEqual([[0x00, 0xff, 0, 0, 0, 0, 0, 0]]);
    const none = await sgJson('--array', 'aa-array', '--lun', '0', 'a0 00 10 00 00 00 00 00 00 40 00 00');
    expect(none.status).toBe(0);
    expect(lunsOf(none.dataIn)).toEqual([]);
    const aa = await sgJson('--array', 'aa-array', '--lun', '0', 'a0 00 11 00 00 00 00 00 00 40 00 00');
    expect(lunsOf(aa.dataIn).map((l) => l[1])).toEqual([0, 1]);
  });

  it('REPORT LUNS 0x12 (the ALU and its subsidiaries) is refused by a LUN that is no ALU: 05/24/00 on byte 2', async () => {
    const r = await sgJson('--array', 'aa-array', '--lun', '0', 'a0 00 12 00 00 00 00 00 00 40 00 00');
    expect(r.status).toBe(2);
    const sense = r.sense.split(' ').map((b) => parseInt(b, 16));
    expect(senseOf(sense)).toBe('05/24/00');
    expect([sense[15] & 0x80, (sense[16] << 8) | sense[17]]).toEqual([0x80, 2]);
  });

  it('READ CAPACITY (16): the PE has no data of its own, one block (hosts show 0 MB)', async () => {
    const r = await sgJson('--array', 'vvol-array', '--lun', '255', '9e 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00');
    expect(r.status).toBe(0);
    expect(u32(r.dataIn, 0) * 2 ** 32 + u32(r.dataIn, 4)).toBe(0);
    expect(u32(r.dataIn, 8)).toBe(512);
  });

  it.skipIf(!hasTool('sg_inq'))('sg_inq decodes the PE as LU_CONG=1', async () => {
    const pe = await sgJson('--array', 'vvol-array', '--lun', '255', '12', '00', '00', '00', '24', '00');
    const file = join(dir, 'pe-inq.hex');
    writeFileSync(file, pe.dataIn.map((b) => b.toString(16).padStart(2, '0')).join(' ') + '\n');
    const out = execFileSync('sg_inq', [`--inhex=${file}`], { encoding: 'utf8' });
    expect(out).toMatch(/PQual=0\s+PDT=0\s+RMB=0\s+LU_CONG=1/);
  });
});

describe('a vVol behind the PE: a subsidiary LU at 255:N', () => {
  let host: Host;
  let initiator: string;
  beforeEach(async () => {
    host = await Host.boot();
    initiator = host.adapters[1].wwpn;
  });
  const array = () => host.array('vvol-array')!;
  const port = () => array().ports[0];
  const send = (lun: number, cdb: number[], from = initiator) => sendCdb(host.arena, array(), port(), lun, { cdb, initiator: from, dataIn: 4096 });

  it('before it is bound nothing answers at 255:1: INQUIRY PQ 3, other commands 05/25/00 (and no stack at all has one)', async () => {
    const d = vvols(host);
    d.createVvol({ container: 'vvol-gold', sizeBytes: 64 * 1024 * 1024 });
    expect((await send(conglomerateLun(255, 1), INQUIRY)).dataIn[0]).toBe(0x7f);
    const tur = await send(conglomerateLun(255, 1), TUR);
    expect(tur.status).toBe(2);
    expect(senseOf(tur.sense)).toBe('05/25/00');
    const bare = await bootStack();
    const r = await sendCdb(bare.arena, bare.array('vvol-array')!, bare.array('vvol-array')!.ports[0], conglomerateLun(255, 1), { cdb: TUR });
    expect(senseOf(r.sense)).toBe('05/25/00');
  });

  it('once bound it is an LU of its own: LU_CONG, its own NAA id, its size; REPORT LUNS 0x12 to the PE lists it as 255:1', async () => {
    const d = vvols(host);
    const v = d.createVvol({ container: 'vvol-gold', sizeBytes: 64 * 1024 * 1024 });
    const b = d.bind(v);
    expect(b.text).toBe('255:1');
    const inq = await send(conglomerateLun(255, 1), INQUIRY);
    expect(inq.status).toBe(0);
    expect([inq.dataIn[0], inq.dataIn[1]]).toEqual([0x00, 0x40]);
    const vpd = await send(conglomerateLun(255, 1), VPD_83);
    const naa = Array.from(vpd.dataIn.subarray(8, 24), (x) => x.toString(16).padStart(2, '0')).join('');
    expect(`naa.${naa}`).toBe(v.unit.naaId);
    expect(v.unit.naaId).not.toBe(array().lun(255)!.naaId);
    const cap = await send(conglomerateLun(255, 1), READ_CAPACITY_16);
    expect(u32(cap.dataIn, 4) + 1).toBe((64 * 1024 * 1024) / 512);
    const list = await send(255, reportLuns(0x12));
    expect(lunsOf(list.dataIn)).toEqual([
      [0x00, 0xff, 0, 0, 0, 0, 0, 0],
      [0x00, 0xff, 0x00, 0x01, 0, 0, 0, 0],
    ]);
    // Not in the ordinary inventory: the host never scans a vVol as a device of its own.
    expect(lunsOf((await send(255, reportLuns(0))).dataIn)).toEqual([[0x00, 0xff, 0, 0, 0, 0, 0, 0]]);
  });

  it('a binding is for one host: another initiator gets 05/25/00 at the same address, and 0x12 lists nothing for it', async () => {
    const d = vvols(host);
    d.bind(d.createVvol({ container: 'vvol-gold', sizeBytes: 64 * 1024 * 1024 }));
    expect((await send(conglomerateLun(255, 1), TUR)).status).toBe(0);
    const stranger = await send(conglomerateLun(255, 1), TUR, '21:00:00:24:ff:99:99:99');
    expect(senseOf(stranger.sense)).toBe('05/25/00');
    expect(lunsOf((await send(255, reportLuns(0x12), '21:00:00:24:ff:99:99:99')).dataIn)).toEqual([[0x00, 0xff, 0, 0, 0, 0, 0, 0]]);
  });

  it('writes land in the vVol\'s own blocks: another vVol at 255:2 reads zeros where 255:1 was written', async () => {
    const d = vvols(host);
    const a = d.createVvol({ container: 'vvol-gold', sizeBytes: 64 * 1024 * 1024 });
    const b = d.createVvol({ container: 'vvol-gold', sizeBytes: 64 * 1024 * 1024 });
    d.bind(a);
    d.bind(b);
    const data = Uint8Array.from({ length: 512 }, (_, i) => (i * 7 + 3) & 0xff);
    const w = await sendCdb(host.arena, array(), port(), conglomerateLun(255, 1), { cdb: [0x2a, 0, 0, 0, 0, 8, 0, 0, 1, 0], dataOut: data, initiator });
    expect(w.status).toBe(0);
    const read = (slu: number) => sendCdb(host.arena, array(), port(), conglomerateLun(255, slu), { cdb: [0x28, 0, 0, 0, 0, 8, 0, 0, 1, 0], dataIn: 512, initiator });
    expect(Array.from((await read(1)).dataIn)).toEqual(Array.from(data));
    expect((await read(2)).dataIn.every((x) => x === 0)).toBe(true);
    expect(a.volume.allocatedExtents()).toBe(1);
    expect(b.volume.allocatedExtents()).toBe(0);
  });

  it.skipIf(!hasTool('sg_luns'))('sg_luns decodes the 0x12 list as an administrative element and its subsidiary element', async () => {
    const d = vvols(host);
    d.bind(d.createVvol({ container: 'vvol-gold', sizeBytes: 64 * 1024 * 1024 }));
    const lun = lunsOf((await send(255, reportLuns(0x12))).dataIn)[1].map((b) => b.toString(16).padStart(2, '0')).join('');
    const out = execFileSync('sg_luns', ['-L', `--test=${lun}`], { encoding: 'utf8' });
    expect(out).toMatch(/Administrative element:\s+Simple lu addressing: 255\s+>>Subsidiary element:\s+Simple lu addressing: 1/);
  });
});
