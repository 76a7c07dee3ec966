// sg3-utils as the outside oracle for the array offloads (VAAI): what the arrays advertise in
// standard INQUIRY (3PC), VPD 0xB0 (sg_vpd --page=bl) and 0xB2 (--page=lbpv) must decode as
// intended; the CDBs sg3-utils itself sends (sg_compare_and_write, sg_write_same, sg_unmap
// captures in reference/scsi.md §1) must do what they say; and every refusal's sense must read, in
// sg_decode_sense, as the condition it is meant to be.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bootStack, type Stack } from '../../src/stack/boot';
import { runSg } from '../../src/stack/cli/sg-command';
import { classroomScenario } from '../../src/stack/scenario/classroom';

const dir = mkdtempSync(join(tmpdir(), 'pathlab-vaai-oracle-'));

function requireTool(name: string): void {
  try {
    execFileSync('which', [name]);
  } catch {
    throw new Error(`${name} is missing: run \`apt-get install -y sg3-utils\``);
  }
}

function decodeFile(tool: string, hex: string, args: (file: string) => string[]): string {
  const file = join(dir, `${tool}-${Math.random().toString(36).slice(2)}.hex`);
  writeFileSync(file, hex + '\n');
  return execFileSync(tool, args(file), { encoding: 'utf8' });
}

const decodeSense = (hex: string): string => execFileSync('sg_decode_sense', hex.split(' '), { encoding: 'utf8' });

const be16 = (x: number): number[] => [(x >>> 8) & 0xff, x & 0xff];
const be24 = (x: number): number[] => [(x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
const be32 = (x: number): number[] => [(x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
const be64 = (x: number): number[] => [...be32(Math.floor(x / 2 ** 32)), ...be32(x >>> 0)];
const hex = (b: ArrayLike<number>): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const filled = (n: number, value: number): number[] => new Array(n).fill(value);

let stack: Stack;

/** One `pathlab sg` run (commands separated by --then); the JSON answers. */
async function sg(...argv: string[]): Promise<{ status: number; sense: string; dataIn: string }[]> {
  const { output, exitCode } = await runSg(stack, ['--json', ...argv]);
  expect(exitCode, output).toBe(0);
  return output.split('\n').map((l) => JSON.parse(l));
}

beforeAll(() => {
  for (const tool of ['sg_inq', 'sg_vpd', 'sg_decode_sense']) requireTool(tool);
});
beforeEach(async () => {
  stack = await bootStack();
});
afterEach(() => stack.close());

describe.each([
  ['alua-array', 0, 512, false],
  ['alua-array', 1, 512, true],
  ['alua-array', 2, 4096, false],
  ['ap-array', 1, 512, true],
  ['aa-array', 1, 4096, true],
  ['local-disk', 0, 512, false],
] as const)('%s LUN %i (%i-byte blocks, thin: %s) decoded by sg3-utils', (array, lun, blockSize, thin) => {
  it('sg_vpd --page=bl: ATS and WRITE SAME limits everywhere, UNMAP limits on thin LUNs only', async () => {
    const [r] = await sg('--array', array, '--lun', String(lun), '12 01 b0 00 40 00');
    const text = decodeFile('sg_vpd', r.dataIn, (f) => ['--page=bl', `--inhex=${f}`]);
    expect(text).toContain('Block limits VPD page (SBC)');
    expect(text).toContain('Write same non-zero (WSNZ): 1');
    expect(text).toContain('Maximum compare and write length: 8 blocks');
    expect(text).toContain(`Maximum transfer length: ${(8 * 1024 * 1024) / blockSize} blocks`);
    expect(text).toContain(`Maximum write same length: 0x${((32 * 1024 * 1024) / blockSize).toString(16)} blocks`);
    if (thin) {
      expect(text).toContain(`Maximum unmap LBA count: ${(1024 * 1024 * 1024) / blockSize}\n`);
      expect(text).toContain('Maximum unmap block descriptor count: 64\n');
      expect(text).toContain(`Optimal unmap granularity: ${32768 / blockSize} blocks`);
      expect(text).toContain('Unmap granularity alignment valid: true');
    } else {
      expect(text).toContain('Maximum unmap LBA count: 0 [Unmap command not implemented]');
      expect(text).toContain('Maximum unmap block descriptor count: 0 [Unmap command not implemented]');
    }
  });

  it('sg_vpd --page=lbpv: LBPU, LBPWS, LBPRZ and the provisioning type follow the LUN', async () => {
    const [r] = await sg('--array', array, '--lun', String(lun), '12 01 b2 00 40 00');
    const text = decodeFile('sg_vpd', r.dataIn, (f) => ['--page=lbpv', `--inhex=${f}`]);
    expect(text).toContain('Logical block provisioning VPD page (SBC)');
    const bit = thin ? 1 : 0;
    expect(text).toContain(`Unmap command supported (LBPU): ${bit}`);
    expect(text).toContain(`Write same (16) with unmap bit supported (LBPWS): ${bit}`);
    expect(text).toContain('Write same (10) with unmap bit supported (LBPWS10): 0');
    expect(text).toContain(`Logical block provisioning read zeros (LBPRZ): ${bit}`);
    expect(text).toContain('Anchored LBAs supported (ANC_SUP): 0');
    expect(text).toContain(thin ? 'Provisioning type: 2 (thin provisioned)' : 'Provisioning type: 0 (not known or fully provisioned)');
  });

  it('sg_inq: 3PC=1 where LUNs can be named by NAA for EXTENDED COPY, 3PC=0 on the disk without designators', async () => {
    const [r] = await sg('--array', array, '--lun', String(lun), '12 00 00 00 60 00');
    const text = decodeFile('sg_inq', r.dataIn, (f) => [`--inhex=${f}`]);
    expect(text).toMatch(new RegExp(`3PC=${array === 'local-disk' ? 0 : 1}\\b`));
  });
});

describe('the CDBs sg3-utils sends (reference/scsi.md §1 captures) do what they say', () => {
  it('sg_compare_and_write --lba=0x3000 --num=1', async () => {
    const write = filled(512, 0x5a);
    const [caw, back] = await sg(
      '--array', 'alua-array', '--lun', '0', '--data-out', hex([...filled(512, 0), ...write]), '89 00 00 00 00 00 00 00 30 00 00 00 00 01 00 00',
      '--then', '88 00 00 00 00 00 00 00 30 00 00 00 00 01 00 00',
    );
    expect(caw.status).toBe(0);
    expect(back.dataIn).toBe(hex(write));
  });

  it('sg_write_same --16 --unmap --lba=0x2000 --num=16 on a thin LUN, then sg_unmap --lba=0x1000 --num=0x800', async () => {
    const lun = stack.array('alua-array')!.lun(1)!;
    // 0x3000 blocks written by WRITE SAME without UNMAP (one block repeated), then given back.
    const [w] = await sg('--array', 'alua-array', '--lun', '1', '--data-out', hex(filled(512, 0x11)), hex([0x93, 0, ...be64(0), ...be32(0x3000), 0, 0]));
    expect(w.status).toBe(0);
    expect(lun.volume.allocatedExtents()).toBe(0x3000 / 64);
    const [ws, back, um] = await sg(
      '--array', 'alua-array', '--lun', '1', '--data-out', hex(filled(512, 0)), '93 08 00 00 00 00 00 00 20 00 00 00 00 10 00 00',
      '--then', '--request', String(17 * 512), hex([0x88, 0, ...be64(0x2000), ...be32(17), 0, 0]),
      '--then', '--data-out', '00 16 00 10 00 00 00 00 00 00 00 00 00 00 10 00 00 00 08 00 00 00 00 00', '42 00 00 00 00 00 00 00 18 00',
    );
    expect(ws.status).toBe(0);
    expect(back.dataIn).toBe(hex([...filled(16 * 512, 0), ...filled(512, 0x11)]));
    expect(um.status).toBe(0);
    expect(lun.volume.allocatedExtents()).toBe(0x3000 / 64 - 0x800 / 64);
  });
});

describe('refusals decoded by sg_decode_sense', () => {
  /** EXTENDED COPY parameter list with the named LUNs as targets and one segment of `blocks` from target 0 to 1. */
  async function xcopyList(targets: [string, number][], blocks = 1): Promise<number[]> {
    const descriptors: number[] = [];
    for (const [array, lun] of targets) {
      const page = await sg('--array', array, '--lun', String(lun), '12 01 83 00 ff 00');
      const bytes = page[0].dataIn.split(' ').map((b) => parseInt(b, 16));
      const naa = bytes.slice(8, 8 + bytes[7]); // the first designator: the LU's NAA
      descriptors.push(0xe4, 0, 0, 0, 0x01, 0x03, 0, naa.length, ...naa, ...filled(20 - naa.length, 0), 0, ...be24(512));
    }
    const segment = [0x02, 0, 0, 0x18, ...be16(0), ...be16(targets.length - 1), 0, 0, ...be16(blocks), ...be64(0), ...be64(100)];
    return [0, 0, ...be16(descriptors.length), 0, 0, 0, 0, ...be32(segment.length), ...be32(0), ...descriptors, ...segment];
  }

  it('COMPARE AND WRITE miscompare: Miscompare, 1D/00, Info fld = offset of the first differing byte', async () => {
    const verify = filled(1024, 0);
    verify[700] = 9;
    const [r] = await sg('--array', 'aa-array', '--lun', '0', '--data-out', hex([...verify, ...filled(1024, 1)]), hex([0x89, 0, ...be64(50), 0, 0, 0, 2, 0, 0]));
    const text = decodeSense(r.sense);
    expect(text).toContain('Fixed format, current; Sense key: Miscompare');
    expect(text).toContain('Additional sense: Miscompare during verify operation');
    expect(text).toContain('Info fld=0x2bc [700]');
  });

  it('COMPARE AND WRITE miscompare in descriptor format: the 64-bit Information descriptor', async () => {
    stack.close();
    stack = await bootStack({ arrays: [{ ...classroomScenario.arrays[2], descriptorSense: true }] });
    const verify = filled(512, 0);
    verify[0x1d1] = 1;
    const [r] = await sg('--array', 'aa-array', '--lun', '0', '--data-out', hex([...verify, ...filled(512, 1)]), hex([0x89, 0, ...be64(0), 0, 0, 0, 1, 0, 0]));
    const text = decodeSense(r.sense);
    expect(text).toContain('Descriptor format, current; Sense key: Miscompare');
    expect(text).toContain('Descriptor type: Information: 0x00000000000001d1');
  });

  it('EXTENDED COPY to a LUN of another array: Copy Aborted, Copy target device not reachable', async () => {
    const list = await xcopyList([['alua-array', 0], ['aa-array', 0]]);
    const [r] = await sg('--array', 'alua-array', '--lun', '0', '--data-out', hex(list), hex([0x83, 0, ...filled(8, 0), ...be32(list.length), 0, 0]));
    const text = decodeSense(r.sense);
    expect(text).toContain('Sense key: Copy Aborted');
    expect(text).toContain('Additional sense: Copy target device not reachable');
  });

  it.each([
    ['unsupported target descriptor type', (l: number[]) => (l[48] = 0xe5), 'Unsupported target descriptor type code', 'Error in Data parameters: byte 48'],
    ['unsupported segment descriptor type', (l: number[]) => (l[80] = 0x09), 'Unsupported segment descriptor type code', 'Error in Data parameters: byte 80'],
    ['inline data', (l: number[]) => (l[15] = 4), 'Inline data length exceeded', 'Error in Data parameters: byte 12'],
    ['a segment that does not divide into 4096-byte blocks', (l: number[]) => l.splice(16 + 32 + 29, 3, ...be24(4096)), 'Unexpected inexact segment', 'Error in Data parameters: byte 90'],
  ])('EXTENDED COPY, %s', async (_name, edit, asc, pointer) => {
    const list = await xcopyList([['alua-array', 0], ['alua-array', 2]], 3);
    edit(list);
    const [r] = await sg('--array', 'alua-array', '--lun', '0', '--data-out', hex(list), hex([0x83, 0, ...filled(8, 0), ...be32(list.length), 0, 0]));
    const text = decodeSense(r.sense);
    expect(text).toContain('Sense key: Illegal Request');
    expect(text).toContain(`Additional sense: ${asc}`);
    expect(text).toContain(pointer);
  });

  it('EXTENDED COPY with more target or segment descriptors than OPERATING PARAMETERS allow', async () => {
    const list = await xcopyList(Array(9).fill(['alua-array', 0]));
    const [r] = await sg('--array', 'alua-array', '--lun', '0', '--data-out', hex(list), hex([0x83, 0, ...filled(8, 0), ...be32(list.length), 0, 0]));
    expect(decodeSense(r.sense)).toMatch(/Too many target descriptors[\s\S]*Error in Data parameters: byte 2/);
    const one = await xcopyList([['alua-array', 0]]);
    const segment = one.slice(48);
    const many = [...one.slice(0, 8), ...be32(9 * 28), ...one.slice(12, 48), ...Array(9).fill(segment).flat()];
    const [s] = await sg('--array', 'alua-array', '--lun', '0', '--data-out', hex(many), hex([0x83, 0, ...filled(8, 0), ...be32(many.length), 0, 0]));
    expect(decodeSense(s.sense)).toMatch(/Too many segment descriptors[\s\S]*Error in Data parameters: byte 8/);
  });

  it.each([
    ['UNMAP on a thick LUN', ['--lun', '0', '--data-out', '00 16 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00', '42 00 00 00 00 00 00 00 18 00'], 'Invalid command operation code', undefined],
    ['UNMAP with descriptors beyond its UNMAP DATA LENGTH', ['--lun', '1', '--data-out', '00 16 00 20 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00', '42 00 00 00 00 00 00 00 18 00'], 'Invalid field in parameter list', 'Error in Data parameters: byte 2'],
    ['UNMAP with a parameter list shorter than its header', ['--lun', '1', '--data-out', '00 06 00 00', '42 00 00 00 00 00 00 00 04 00'], 'Parameter list length error', undefined],
    ['WRITE SAME with UNMAP on a thick LUN', ['--lun', '0', '--data-out', hex(filled(512, 0)), '93 08 00 00 00 00 00 00 00 00 00 00 00 01 00 00'], 'Invalid field in cdb', 'Error in Command: byte 1 bit 3'],
    ['WRITE SAME of 0 blocks (WSNZ)', ['--lun', '1', '--data-out', hex(filled(512, 0)), '93 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'], 'Invalid field in cdb', 'Error in Command: byte 10'],
    ['COMPARE AND WRITE of 9 blocks', ['--lun', '0', '--data-out', hex(filled(9 * 1024, 0)), '89 00 00 00 00 00 00 00 00 00 00 00 00 09 00 00'], 'Invalid field in cdb', 'Error in Command: byte 13'],
    ['COMPARE AND WRITE past the last LBA', ['--lun', '0', '--data-out', hex(filled(1024, 0)), '89 00 ff ff ff ff ff ff ff ff 00 00 00 01 00 00'], 'Logical block address out of range', undefined],
    ['RECEIVE COPY RESULTS for a list never copied', ['--lun', '0', '84 00 2a 00 00 00 00 00 00 00 00 00 00 0c 00 00'], 'Invalid field in cdb', 'Error in Command: byte 2'],
  ])('%s', async (_name, argv, asc, pointer) => {
    const [r] = await sg('--array', 'alua-array', ...argv);
    expect(r.status).toBe(2);
    const text = decodeSense(r.sense);
    expect(text).toContain('Sense key: Illegal Request');
    expect(text).toContain(`Additional sense: ${asc}`);
    if (pointer) expect(text).toContain(pointer);
  });
});
