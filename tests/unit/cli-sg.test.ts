// `npx pathlab sg` through the real binary (bin/pathlab.js): every command the arrays answer, with
// the exact JSON shape, and clear errors for bad input.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);

async function pathlab(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await exec('node', ['bin/pathlab.js', ...args]);
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

const bytes = (hex: string) => (hex === '' ? [] : hex.split(' ').map((b) => parseInt(b, 16)));

describe('npx pathlab sg', () => {
  it('--list names each array with its personality and LUN numbers', async () => {
    const { stdout, code } = await pathlab('sg', '--list');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(lines).toEqual([
      ['alua-array', 'alua', '0', '1', '2', '3'],
      ['ap-array', 'active-passive', '0', '1'],
      ['aa-array', 'active-active', '0', '1'],
      ['local-disk', 'active-active', '0'],
      ['vvol-array', 'active-active', '255'], // vVols only: its protocol endpoint at LUN 255
    ]);
  });

  // One CDB per command the arrays answer, each with what its data-in must hold.
  const commands: { name: string; argv: string[]; check: (data: number[]) => void }[] = [
    { name: 'TEST UNIT READY', argv: ['00 00 00 00 00 00'], check: (d) => expect(d).toEqual([]) },
    { name: 'REQUEST SENSE', argv: ['03 00 00 00 fc 00'], check: (d) => expect(d.slice(0, 3)).toEqual([0x70, 0, 0]) },
    { name: 'INQUIRY', argv: ['12', '00', '00', '00', '24', '00'], check: (d) => expect(d.length).toBe(36) },
    { name: 'INQUIRY VPD 0x83', argv: ['12 01 83 00 fc 00'], check: (d) => expect(d.slice(0, 2)).toEqual([0, 0x83]) },
    { name: 'REPORT LUNS', argv: ['a0 00 00 00 00 00 00 00 00 20 00 00'], check: (d) => expect(d.slice(0, 4)).toEqual([0, 0, 0, 32]) },
    { name: 'READ CAPACITY (10)', argv: ['25 00 00 00 00 00 00 00 00 00'], check: (d) => expect(d).toEqual([0x01, 0x3f, 0xff, 0xff, 0, 0, 2, 0]) },
    { name: 'READ CAPACITY (16)', argv: ['9e 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00'], check: (d) => expect(d.slice(4, 12)).toEqual([0x01, 0x3f, 0xff, 0xff, 0, 0, 2, 0]) },
    { name: 'READ (10)', argv: ['28 00 00 00 00 10 00 00 01 00'], check: (d) => expect(d).toEqual(new Array(512).fill(0)) },
    { name: 'READ (16)', argv: ['88 00 00 00 00 00 00 00 00 10 00 00 00 01 00 00'], check: (d) => expect(d.length).toBe(512) },
    { name: 'SYNCHRONIZE CACHE (10)', argv: ['35 00 00 00 00 10 00 00 08 00'], check: (d) => expect(d).toEqual([]) },
    { name: 'REPORT TARGET PORT GROUPS', argv: ['a3 0a 00 00 00 00 00 00 04 00 00 00'], check: (d) => expect(d.slice(0, 4)).toEqual([0, 0, 0, 2 * (8 + 2 * 4)]) },
    { name: 'REPORT TARGET PORT GROUPS (extended)', argv: ['a3 2a 00 00 00 00 00 00 04 00 00 00'], check: (d) => expect(d[4]).toBe(0x10) },
    { name: 'MODE SENSE (6)', argv: ['1a 00 08 00 fc 00'], check: (d) => expect(d[4 + 8]).toBe(0x08) },
    { name: 'MODE SENSE (10)', argv: ['5a 00 3f 00 00 00 00 10 00 00'], check: (d) => expect(d.length).toBe(8 + 8 + 20 + 12) },
  ];
  for (const c of commands) {
    it(`${c.name} answers GOOD with its data`, async () => {
      const { stdout, code } = await pathlab('sg', '--json', ...c.argv);
      expect(code).toBe(0);
      const line = JSON.parse(stdout);
      expect(Object.keys(line)).toEqual(['status', 'sense', 'dataIn']);
      expect(line.status).toBe(0);
      expect(line.sense).toBe('');
      c.check(bytes(line.dataIn));
    });
  }

  it('WRITE (10) and (16) with --data-out, SET TARGET PORT GROUPS with a parameter list', async () => {
    const block = Array.from({ length: 512 }, (_, i) => (i * 7) & 0xff).map((b) => b.toString(16).padStart(2, '0')).join(' ');
    for (const cdb of ['2a 00 00 00 00 20 00 00 01 00', '8a 00 00 00 00 00 00 00 00 20 00 00 00 01 00 00']) {
      const w = JSON.parse((await pathlab('sg', '--json', '--data-out', block, cdb)).stdout);
      expect(w.status).toBe(0);
    }
    const stpg = JSON.parse((await pathlab('sg', '--json', '--data-out', '00 00 00 00 00 00 00 02', 'a4 0a 00 00 00 00 00 00 00 08 00 00')).stdout);
    expect(stpg.status).toBe(0);
  });

  it('--then: more commands in one run, each with its own options, the blocks kept between them', async () => {
    const block = Array.from({ length: 512 }, (_, i) => ((i * 5) & 0xff).toString(16).padStart(2, '0')).join(' ');
    const { stdout, code } = await pathlab(
      'sg', '--json', '--array', 'aa-array', '--data-out', block, '2a 00 00 00 00 07 00 00 01 00',
      '--then', '28 00 00 00 00 07 00 00 01 00',
      '--then', '--lun', '1', '28 00 00 00 00 07 00 00 01 00',
    );
    expect(code).toBe(0);
    const [w, back, other] = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(w).toEqual({ status: 0, sense: '', dataIn: '' });
    expect(back.dataIn).toBe(block); // the same array and LUN as the WRITE
    expect(bytes(other.dataIn).every((b) => b === 0)).toBe(true); // LUN 1: not written
    expect(bytes(other.dataIn)).toHaveLength(4096);
    const text = await pathlab('sg', '--array', 'aa-array', '00 00 00 00 00 00', '--then', '00 00 00 00 00 00');
    expect(text.stdout.split('\n\n')).toHaveLength(2);
  });

  it('prints a readable answer without --json', async () => {
    const { stdout } = await pathlab('sg', '--array', 'aa-array', 'c0 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
    expect(stdout).toMatch(/aa-array LUN 0 via target port 50:01:40:5a:03:00:00:00 \(CTL0, relative port 1\)/);
    expect(stdout).toMatch(/SCSI status: Check Condition/);
    expect(stdout).toMatch(/Sense key: Illegal Request/);
    expect(stdout).toMatch(/Additional sense: Invalid command operation code/);
  });

  it('refuses bad input with a message and exit code 1', async () => {
    const cases: [string[], RegExp][] = [
      [['12 00 00 00 24'], /opcode 0x12 is 6 bytes long, got 5/],
      [['12 00 zz 00 24 00'], /"zz" is not hexadecimal/],
      [['--array', 'nope', '00 00 00 00 00 00'], /no array named nope; arrays: alua-array, ap-array, aa-array/],
      [['--port', '9', '00 00 00 00 00 00'], /has no port 9/],
      [['--lun', 'x', '00 00 00 00 00 00'], /--lun needs a number/],
      [['--frobnicate'], /unknown option --frobnicate/],
      [[], /no CDB given/],
    ];
    for (const [argv, message] of cases) {
      const { stderr, code } = await pathlab('sg', ...argv);
      expect(code, argv.join(' ')).toBe(1);
      expect(stderr).toMatch(message);
      expect(stderr).toMatch(/Usage: pathlab sg/);
    }
  });
});
