// `npm run fuzz`, small: a few thousand CDBs to every array and a few dozen to a few hundred of
// every other input a learner controls, with zero exceptions and zero invalid answers; proof that
// the checkers refuse a bad answer (so these runs can fail); sg_decode_sense as an outside oracle
// for a sample of the arrays' sense data; and one regression test per bug the fuzzer found.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sendCdbSync, type SgResponse } from '../../src/stack/initiator/sg-request';
import { additionalSenseText, senseKeyName } from '../../src/stack/scsi/sense-text';
import { Shadow } from '../../fuzz/shadow';
import { checkAnswer, type Destination } from '../../fuzz/cdb-check';
import { fuzzCdbs } from '../../fuzz/cdb-run';
import { bootRig, RESERVED_LBA } from '../../fuzz/cdb-targets';
import { baseline, verifyRig } from '../../fuzz/cdb-verify';
import { fuzzLabImports, fuzzLessons, fuzzScenarios } from '../../fuzz/documents';
import { fuzzHostLines, hostSnapshot } from '../../fuzz/host-lines';
import { Host } from '../../src/stack/host';
import { LabSession } from '../../src/stack/cli/script';
import { decodeSense, toHex } from '../../fuzz/sense-check';
import { unclearMessage, type Tally } from '../../fuzz/tally';
import { checkState, LabStateError } from '../../src/stack/workbench/lab-state';
import { readExport } from '../../src/stack/workbench/lab-store';
import { parseLesson } from '../../src/stack/lessons/lesson';
import { parse as parseYaml } from 'yaml';
import { bootStack, type Stack } from '../../src/stack/boot';

/** Zero exceptions and zero invalid answers, or the failing inputs in the message. */
function expectClean(t: Tally, cases: number): void {
  const report = t.failures.map((f) => `${f.problem}\n  input: ${f.input}`).join('\n');
  expect({ exceptions: t.exceptions, invalid: t.invalid, report }).toEqual({ exceptions: 0, invalid: 0, report: '' });
  expect(t.cases).toBe(cases);
}

describe('fuzz runs of every kind: zero exceptions, zero invalid answers', () => {
  it('3,000 CDBs (valid, mutated, random) to every array, port and LUN, then the state check', async () => {
    const t = await fuzzCdbs(3000, 20261121);
    expectClean(t, 3000);
    // The run reached the answers that matter, not only refusals.
    const seen = (prefix: string) => [...t.outcomes].filter(([k]) => k.startsWith(prefix)).reduce((n, [, c]) => n + c, 0);
    expect(seen('2a status 0') + seen('8a status 0')).toBeGreaterThan(50); // GOOD writes, checked by read-back
    expect(seen('89 14/1d/0')).toBeGreaterThan(0); // COMPARE AND WRITE miscompares, offset checked
    expect(seen('a4 status 0')).toBeGreaterThan(0); // STPG that changed ALUA states
  });

  it('1,000 CDBs with the TypeScript twins of the WebAssembly codec and copier', async () => {
    expectClean(await fuzzCdbs(1000, 5, { engine: 'typescript' }), 1000);
  });

  it('esxcli lines from the command table, mutated', async () => {
    expectClean(await fuzzHostLines('esxcli', 150, 7), 150);
  });

  it('lab scripts: sequences of every script command, mutated', async () => {
    expectClean(await fuzzHostLines('script', 30, 7), 30);
  });

  it('scenario files, lab import files and lesson frontmatter, mutated', async () => {
    expectClean(await fuzzScenarios(80, 7), 80);
    expectClean(await fuzzLabImports(60, 7), 60);
    expectClean(await fuzzLessons(120, 7), 120);
  });
});

describe('the checkers refuse bad answers', () => {
  it('sense data: a wrong ADDITIONAL SENSE LENGTH, an unknown response code, an unassigned ASC, a key that does not fit', () => {
    const good = [0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x24, 0x00, 0, 0, 0, 0];
    expect(decodeSense(Uint8Array.from(good))).toMatchObject({ key: 5, asc: 0x24, ascq: 0 });
    expect(decodeSense(Uint8Array.from(good.map((b, i) => (i === 7 ? 0x0b : b))))).toMatch(/ADDITIONAL SENSE LENGTH/);
    expect(decodeSense(Uint8Array.from(good.map((b, i) => (i === 0 ? 0x74 : b))))).toMatch(/response code/);
    expect(decodeSense(Uint8Array.from(good.map((b, i) => (i === 12 ? 0x99 : b))))).toMatch(/not one an SBC disk target reports/);
    expect(decodeSense(Uint8Array.from(good.map((b, i) => (i === 2 ? 0x06 : b))))).toMatch(/does not go with/);
    expect(decodeSense(Uint8Array.from([0x72, 5, 0x24, 0, 0, 0, 0, 4, 0x02, 0x06, 0, 0]))).toMatch(/runs past the end/);
  });

  it('answers: a bad status, data-in past the allocation length, a READ that differs from the model, 05/25/00 where a LUN is', async () => {
    const rig = await bootRig();
    const codec = rig.stack.engines.cdb;
    const t = rig.targets.find((x) => x.array.name === 'aa-array' && x.lun === 0)!;
    const to: Destination = rig.destination(t, t.initiators[0]);
    const answer = (r: Partial<SgResponse>): SgResponse => ({ status: 0, hostStatus: 0, sense: new Uint8Array(0), dataIn: new Uint8Array(0), serviceUs: 0, ...r });
    const inquiry = { cdb: Uint8Array.of(0x12, 0, 0, 0, 36, 0), dataOut: undefined, dataIn: 4096, origin: 'valid' as const };
    const real = sendCdbSync(t.arena, t.array, t.port, t.lun, { cdb: inquiry.cdb, dataIn: 4096 });
    expect(checkAnswer(codec, inquiry, to, real, rig.shadow)).toBeUndefined();
    expect(checkAnswer(codec, inquiry, to, { ...real, status: 0x01 }, rig.shadow)).toMatch(/not a SAM status/);
    expect(checkAnswer(codec, inquiry, to, answer({ dataIn: new Uint8Array(37) }), rig.shadow)).toMatch(/more than the 36 allowed/);
    const read = { cdb: Uint8Array.of(0x28, 0, 0, 0, 0, 5, 0, 0, 1, 0), dataOut: undefined, dataIn: 512, origin: 'valid' as const };
    expect(checkAnswer(codec, read, to, answer({ dataIn: new Uint8Array(512) }), rig.shadow)).toBeUndefined();
    expect(checkAnswer(codec, read, to, answer({ dataIn: new Uint8Array(512).fill(1) }), rig.shadow)).toMatch(/the model says 0/);
    const notSupported = Uint8Array.of(0x70, 0, 5, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x25, 0, 0, 0, 0, 0);
    expect(checkAnswer(codec, read, to, answer({ status: 2, sense: notSupported }), rig.shadow)).toMatch(/LOGICAL UNIT NOT SUPPORTED where a LUN answers/);
    rig.close();
  });

  it('the state check: a reserved block changed behind the fuzzer\'s back is found', async () => {
    const rig = await bootRig();
    const before = baseline(rig);
    expect(verifyRig(rig, before)).toEqual([]);
    const u = rig.reserved[0];
    const write = Uint8Array.of(0x2a, 0, 0, 0, RESERVED_LBA >> 8, RESERVED_LBA & 0xff, 0, 0, 1, 0);
    const r = sendCdbSync(u.arena, u.array, u.array.ports[0], u.number, { cdb: write, dataOut: new Uint8Array(u.lun.blockSize), initiator: u.initiator });
    expect(r.status).toBe(0);
    expect(verifyRig(rig, before).join('\n')).toMatch(new RegExp(`LUN ${u.number}: LBA ${RESERVED_LBA} does not read back as written`));
    rig.close();
  });

  it('messages: JS error text is unclear, the learner\'s own words echoed back are not', () => {
    expect(unclearMessage("TypeError: Cannot read properties of undefined (reading 'x')")).toMatch(/TypeError/);
    expect(unclearMessage('Error: oops\n    at run (/work/main/src/x.ts:1:2)')).toMatch(/JS error text/);
    expect(unclearMessage('')).toBe('an empty message');
    expect(unclearMessage('Error: Unknown command or namespace storage undefined', 'esxcli storage undefined')).toBeUndefined();
  });
});

describe('sg_decode_sense (sg3-utils) reads the sense data the fuzz run produced as the stack does', () => {
  it('sense key, additional sense text, field pointer and INFORMATION for one sample of each condition', async () => {
    const samples = new Map<string, Uint8Array>();
    await fuzzCdbs(3000, 99, {
      observe: (_k, a) => {
        if (a.status !== 2) return;
        const key = toHex(a.sense.subarray(0, 3)) + toHex(a.sense.subarray(12, 16));
        if (!samples.has(key) && samples.size < 40) samples.set(key, a.sense);
      },
    });
    expect(samples.size).toBeGreaterThan(8);
    for (const sense of samples.values()) {
      const d = decodeSense(sense);
      if (typeof d === 'string') throw new Error(d);
      const out = execFileSync('sg_decode_sense', Array.from(sense, (b) => b.toString(16).padStart(2, '0')), { encoding: 'utf8' });
      expect(out, toHex(sense)).toContain(`Sense key: ${senseKeyName(d.key)}`);
      expect(out, toHex(sense)).toContain(`Additional sense: ${additionalSenseText(d.asc, d.ascq)}`);
      if (d.field) expect(out, toHex(sense)).toContain(`Error in ${d.field.cdb ? 'Command' : 'Data parameters'}: byte ${d.field.byte}`);
      if (d.info !== undefined) expect(out, toHex(sense)).toMatch(new RegExp(`Info fld=0x${d.info.toString(16)}\\b`));
    }
  });
  it('the EXTENDED COPY conditions the console names as sg_decode_sense does (26/0B was printed as "ASC=0x26, ASCQ=0x0b")', async () => {
    const stack = await bootStack();
    const a = stack.array('aa-array')!;
    const list = new Uint8Array(16);
    list[1] = 0x18; // no list identifier
    list[15] = 1; // INLINE DATA LENGTH 1: not implemented
    const r = sendCdbSync(stack.arena, a, a.ports[0], 0, { cdb: [0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0], dataOut: list });
    expect([r.sense[12], r.sense[13]]).toEqual([0x26, 0x0b]);
    const out = execFileSync('sg_decode_sense', Array.from(r.sense, (b) => b.toString(16).padStart(2, '0')), { encoding: 'utf8' });
    expect(out).toContain(`Additional sense: ${additionalSenseText(0x26, 0x0b)}`);
    expect(additionalSenseText(0x26, 0x0a)).toBe('Unexpected inexact segment');
  });
});

describe('bugs the fuzzer found stay fixed', () => {
  let stack: Stack;
  const boot = async () => (stack = await bootStack());
  const send = (array: string, cdb: number[], req: { dataOut?: Uint8Array; dataIn?: number } = {}) => {
    const a = stack.array(array)!;
    return sendCdbSync(stack.arena, a, a.ports[0], 0, { cdb, ...req });
  };

  it('WRITE (10) sent with a data-in buffer and no data-out is an underrun: nothing written, nothing sent back', async () => {
    await boot();
    // Found as: aa-array LUN 0, cdb 2a 08 00 00 03 0d 00 00 01 00; data-in 65536 bytes. The array wrote
    // the (stale) data-in buffer to the block and returned it as data-in.
    send('aa-array', [0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]); // leaves 512 bytes of data in a freed buffer
    const w = send('aa-array', [0x2a, 0, 0, 0, 0, 9, 0, 0, 1, 0], { dataIn: 65536 });
    expect([w.hostStatus, w.status, w.dataIn.length]).toEqual([0x7, 0, 0]);
    const r = send('aa-array', [0x28, 0, 0, 0, 0, 9, 0, 0, 1, 0], { dataIn: 512 });
    expect(r.dataIn.every((b) => b === 0)).toBe(true);
  });

  it('SET TARGET PORT GROUPS sent with a data-in buffer is a PARAMETER LIST LENGTH ERROR, the states unchanged', async () => {
    await boot();
    // Found as: alua-array LUN 0, cdb a4 0a 00 00 00 00 00 00 00 08 00 00; data-in 512 bytes: the
    // array parsed the data-in buffer as the parameter list.
    const before = toHex(send('alua-array', [0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]).dataIn);
    const r = send('alua-array', [0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], { dataIn: 512 });
    expect([r.status, r.sense[2] & 0x0f, r.sense[12], r.sense[13]]).toEqual([2, 5, 0x1a, 0]);
    expect(toHex(send('alua-array', [0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]).dataIn)).toBe(before);
  });

  it('a lab file with a malformed fault entry is refused with a message, before restore (was a TypeError in restoreState)', () => {
    const state = {
      format: 'pathlab-lab', version: 1, scenario: 'classroom', claimRules: { file: [], runtime: [] }, satpRules: [], satpDefaultPsp: {},
      devices: [], disabledPaths: [], faults: { adapters: [], fabrics: [], arrays: [null] }, consoleHistory: [], lessons: {},
    };
    expect(() => checkState(state)).toThrow(LabStateError);
    expect(() => checkState(state)).toThrow(/an array's fault state is malformed: null/);
    const file = JSON.stringify({ format: 'pathlab-lab', version: 1, state: { ...state, faults: { adapters: [{ name: 'vmhba1', up: 'yes', linkUp: true }], fabrics: [], arrays: [] } }, blocks: [] });
    expect(() => readExport(file)).toThrow(/an adapter's fault state is malformed/);
  });

  it('a vVol VM whose PE is unreachable fails to power on and leaves the lab state as it was (was: a swap vVol drawn and dropped)', async () => {
    // Found as the script "vvol vm create fz01 ...", "fault array vvol-array", "vvol vm poweron fz01":
    // the refused power-on had used up an id draw and a LUN number, so the captured state changed.
    const host = await Host.boot();
    const session = new LabSession(host);
    expect((await session.run('vvol vm create fz01 --container vvol-gold --disk 1g --memory 1g')).ok).toBe(true);
    expect((await session.run('fault array vvol-array')).ok).toBe(true);
    const before = await hostSnapshot(host);
    const r = await session.run('vvol vm poweron fz01');
    expect(r).toMatchObject({ ok: false, output: expect.stringMatching(/no SCSI protocol endpoint of array vvol-array is reachable.*nothing was changed$/) });
    expect(await hostSnapshot(host)).toBe(before);
    host.close();
  });

  it('a lesson goal whose description is only blanks is refused (was accepted, and shown as an empty goal)', () => {
    // Found as 13-protocol-endpoints-and-bindings with goal {"kind":"vvol-bound","vm":"old01","count":0,"description":" "}.
    const md = '---\ntitle: T\nsummary: S\nscenario: classroom\ngoals:\n  - kind: vvol-bound\n    vm: old01\n    count: 0\n    description: " "\nhints: []\n---\nbody\n';
    expect(() => parseLesson(md, { solution: 'vvol list' }, '99-fuzz', parseYaml)).toThrow('99-fuzz: goals[0].description: must be a non-empty string');
    expect(parseLesson(md.replace('" "', 'Bind none'), { solution: 'vvol list' }, '99-fuzz', parseYaml).goals[0].description).toBe('Bind none');
  });

  it('a lab file without a format says "missing", not "undefined"', () => {
    expect(() => readExport('{"x":1}')).toThrow('not a PathLab lab: format is missing, expected "pathlab-lab"');
  });
});
