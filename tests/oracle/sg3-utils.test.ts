// sg3-utils as an outside oracle: what PathLab's arrays answer must decode with Debian's
// sg_inq, sg_vpd, sg_decode_sense and sdparm exactly as a real target's answers do.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bootStack, type Stack } from '../../src/stack/boot';
import { runSg } from '../../src/stack/cli/sg-command';

const dir = mkdtempSync(join(tmpdir(), 'pathlab-oracle-'));

function requireTool(name: string): void {
  try {
    execFileSync('which', [name]);
  } catch {
    throw new Error(`${name} is missing: run \`apt-get install -y sg3-utils sdparm\``);
  }
}

/** Runs a tool on a hex file and returns what it prints. */
function decode(tool: string, hex: string, args: (file: string) => string[]): string {
  const file = join(dir, `${tool}-${Math.random().toString(36).slice(2)}.hex`);
  writeFileSync(file, hex + '\n');
  return execFileSync(tool, args(file), { encoding: 'utf8' });
}

let stack: Stack;

async function sg(...argv: string[]): Promise<{ status: number; sense: string; dataIn: string }> {
  const { output, exitCode } = await runSg(stack, ['--json', ...argv]);
  expect(exitCode, output).toBe(0);
  return JSON.parse(output);
}

beforeAll(async () => {
  for (const tool of ['sg_inq', 'sg_vpd', 'sg_decode_sense', 'sdparm']) requireTool(tool);
  stack = await bootStack();
});

describe.each(['alua-array', 'ap-array', 'aa-array'])('%s decoded by sg3-utils', (array) => {
  it('standard INQUIRY: vendor, product, revision, TPGS and version descriptors', async () => {
    const r = await sg('--array', array, '12 00 00 00 60 00');
    const text = decode('sg_inq', r.dataIn, (f) => [`--inhex=${f}`, '-d']);
    const config = stack.array(array)!.config;
    expect(text).toMatch(new RegExp(`Vendor identification: ${config.vendor}`));
    expect(text).toMatch(new RegExp(`Product identification: ${config.product}`));
    expect(text).toMatch(/Product revision level: 0100/);
    expect(text).toMatch(new RegExp(`TPGS=${array === 'alua-array' ? 3 : 0}`));
    expect(text).toMatch(/PQual=0\s+PDT=0/);
    expect(text).toMatch(/MultiP=1/);
    expect(text).toMatch(/SPC-4/);
    expect(text).toMatch(/SBC-3/);
  });

  it('VPD 0x83: NAA designator, relative target port and target port group of the port asked', async () => {
    const a = stack.array(array)!;
    for (const port of a.ports) {
      const r = await sg('--array', array, '--lun', '1', '--port', String(port.relativeId), '12 01 83 00 ff 00');
      const text = decode('sg_vpd', r.dataIn, (f) => [`--inhex=${f}`]);
      expect(text).toContain(`0x${a.lun(1)!.naaId.slice(4)}`);
      expect(text).toMatch(/designator type: NAA,\s+code set: Binary/);
      expect(text).toContain(`Relative target port: 0x${port.relativeId.toString(16)}`);
      if (array === 'alua-array') expect(text).toContain(`Target port group: 0x${port.sp.groupId.toString(16)}`);
      else expect(text).not.toContain('Target port group');
    }
  });

  it('VPD 0x00, 0x80, 0xB0 and 0xB2 by name', async () => {
    const pages = decode('sg_vpd', (await sg('--array', array, '12 01 00 00 ff 00')).dataIn, (f) => [`--inhex=${f}`]);
    expect(pages).toMatch(/Supported VPD pages/);
    expect(pages).toMatch(/Unit serial number/);
    expect(pages).toMatch(/Device identification/);
    expect(pages).toMatch(/Block limits/);
    expect(pages).toMatch(/Logical block provisioning/);
    const serial = decode('sg_vpd', (await sg('--array', array, '12 01 80 00 ff 00')).dataIn, (f) => [`--inhex=${f}`]);
    expect(serial).toContain(`Unit serial number: ${stack.array(array)!.lun(0)!.serial}`);
    const limits = decode('sg_vpd', (await sg('--array', array, '12 01 b0 00 ff 00')).dataIn, (f) => [`--inhex=${f}`]);
    expect(limits).toMatch(/Maximum transfer length: 16384 blocks/);
    const lbp = decode('sg_vpd', (await sg('--array', array, '12 01 b2 00 ff 00')).dataIn, (f) => [`--inhex=${f}`]);
    expect(lbp).toMatch(/Unmap command supported \(LBPU\): 0/);
  });
});

describe('sense data decoded by sg_decode_sense', () => {
  const cases: { name: string; argv: string[]; key: string; text: RegExp; extra?: RegExp }[] = [
    { name: 'unknown opcode', argv: ['c0 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'], key: 'Illegal Request', text: /Invalid command operation code/ },
    { name: 'CMDDT set', argv: ['12 02 00 00 24 00'], key: 'Illegal Request', text: /Invalid field in cdb/, extra: /Error in Command: byte 1 bit 1/ },
    { name: 'unsupported VPD page', argv: ['12 01 99 00 ff 00'], key: 'Illegal Request', text: /Invalid field in cdb/, extra: /byte 2/ },
    { name: 'LBA out of range', argv: ['28 00 ff ff ff ff 00 00 01 00'], key: 'Illegal Request', text: /Logical block address out of range/ },
    { name: 'no such LUN', argv: ['--lun', '9', '00 00 00 00 00 00'], key: 'Illegal Request', text: /Logical unit not supported/ },
    { name: 'passive port of an active/passive array', argv: ['--array', 'ap-array', '--lun', '1', '--port', '1', '00 00 00 00 00 00'], key: 'Not Ready', text: /manual intervention required/ },
    { name: 'saved mode pages', argv: ['1a 00 c8 00 ff 00'], key: 'Illegal Request', text: /Saving parameters not supported/ },
    { name: 'REPORT LUNS allocation under 16', argv: ['a0 00 00 00 00 00 00 00 00 08 00 00'], key: 'Illegal Request', text: /Invalid field in cdb/, extra: /byte 6/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await sg(...c.argv);
      expect(r.status).toBe(2);
      const text = execFileSync('sg_decode_sense', r.sense.split(' '), { encoding: 'utf8' });
      expect(text).toContain(`Sense key: ${c.key}`);
      expect(text).toMatch(c.text);
      if (c.extra) expect(text).toMatch(c.extra);
    });
  }

  it('standby port (after SET TARGET PORT GROUPS) reports 04/0B', async () => {
    const array = stack.array('alua-array')!;
    // Put SPB's group of LUN 2 in standby, wait out the transition, then ask through SPB.
    const stpg = await sg('--lun', '2', '--data-out', '00 00 00 00 02 00 00 02', 'a4 0a 00 00 00 00 00 00 00 08 00 00');
    expect(stpg.status).toBe(0);
    array.now = () => 10_000_000;
    const r = await sg('--lun', '2', '--port', '3', '00 00 00 00 00 00');
    const text = execFileSync('sg_decode_sense', r.sense.split(' '), { encoding: 'utf8' });
    expect(text).toMatch(/Not Ready/);
    expect(text).toMatch(/target port in standby state/);
    array.now = () => 0;
  });
});

describe('mode pages decoded by sdparm', () => {
  it('MODE SENSE (10): caching page WCE follows the cache mode, control page D_SENSE and GLTSD', async () => {
    const wt = await sg('--lun', '0', '5a 00 3f 00 00 00 00 10 00 00');
    const wb = await sg('--lun', '3', '5a 00 3f 00 00 00 00 10 00 00');
    const args = (f: string) => [`--inhex=${f}`, '--all', '--pdt=0'];
    expect(decode('sdparm', wt.dataIn, args)).toMatch(/WCE\s+0/);
    const text = decode('sdparm', wb.dataIn, args);
    expect(text).toMatch(/WCE\s+1/);
    expect(text).toMatch(/D_SENSE\s+0/);
    expect(text).toMatch(/GLTSD\s+1/);
  });

  it('MODE SENSE (6): the same pages in the six-byte header', async () => {
    const r = await sg('--lun', '3', '1a 00 3f 00 ff 00');
    const text = decode('sdparm', r.dataIn, (f) => [`--inhex=${f}`, '--all', '--pdt=0', '--six']);
    expect(text).toMatch(/WCE\s+1/);
    expect(text).toMatch(/Control/);
  });
});
