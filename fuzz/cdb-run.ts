// The CDB fuzz loop: one generated case to one target, its answer checked (cdb-check.ts), a GOOD
// write read back at once around its range; the virtual clock moves a millisecond per case so ALUA
// transitions finish. At the end the state check (cdb-verify.ts) reads back every block the shadow
// holds and asks each LUN who it is again.

import { sendCdbSync, type SgResponse } from '../src/stack/initiator/sg-request';
import { SeededRandom } from '../src/stack/sim/random';
import type { EngineChoice } from '../src/stack/engine';
import { checkAnswer, type Destination } from './cdb-check';
import { blockRange, padded } from './cdb-fields';
import { CdbGenerator, lunView, type CdbCase } from './cdb-gen';
import { bootRig, type Rig, type Target } from './cdb-targets';
import { baseline, verifyRig } from './cdb-verify';
import { toHex } from './sense-check';
import { Tally } from './tally';

const STEP_US = 1000;
const WRITES = new Set([0x2a, 0x8a, 0x89, 0x93]);

export function caseText(t: Target, initiator: string, k: CdbCase): string {
  const out = k.dataOut ? `data-out (${k.dataOut.length} bytes) ${toHex(k.dataOut.subarray(0, 64))}${k.dataOut.length > 64 ? ' ...' : ''}` : `data-in ${k.dataIn} bytes`;
  return `${t.label} from ${initiator}: cdb ${toHex(k.cdb)}; ${out}`;
}

export interface CdbRunOptions {
  engine?: EngineChoice;
  progress?: (done: number) => void;
  /** Sees every case and its answer (the unit test samples sense data for sg_decode_sense). */
  observe?: (k: CdbCase, answer: SgResponse) => void;
  rig?: Rig;
}

export async function fuzzCdbs(cases: number, seed: number, options: CdbRunOptions = {}): Promise<Tally> {
  const rig = options.rig ?? (await bootRig(options.engine));
  const tally = new Tally();
  const r = new SeededRandom(seed).fork('cdb');
  const gen = new CdbGenerator(r);
  const codec = rig.stack.engines.cdb;
  const before = baseline(rig);
  // EXTENDED COPY names LUNs by NAA; an array without NAA designators gets random ones.
  const naas = new Map(rig.targets.map((t) => [t.array, t.array.config.identifiers === 'none' ? [] : t.array.luns.map((l) => l.naa)]));
  // Mostly LUNs that are there (missing ones answer 05/25/00 to nearly everything).
  const present = rig.targets.filter((t) => rig.destination(t, t.initiators[0]).lun);
  const absent = rig.targets.filter((t) => !rig.destination(t, t.initiators[0]).lun);
  for (let i = 0; i < cases; i++) {
    const pool = r.next() < 0.8 ? present : absent;
    const t = pool[r.below(pool.length)];
    const initiator = t.initiators[r.next() < 0.85 ? 0 : 1];
    const to = rig.destination(t, initiator);
    const lun = to.lun;
    const k = gen.next(lunView(lun, naas.get(t.array)!, (lba, count, out) => lun && rig.shadow.read(lun, lba, count, out)));
    tally.cases++;
    let answer: SgResponse;
    try {
      answer = sendCdbSync(t.arena, t.array, t.port, t.lun, { cdb: k.cdb, dataOut: k.dataOut, dataIn: k.dataIn, initiator });
    } catch (e) {
      tally.exception('cdb', caseText(t, initiator, k), e);
      continue;
    }
    const problem = checkAnswer(codec, k, to, answer, rig.shadow) ?? readBack(rig, t, initiator, k, to, answer);
    if (problem) tally.bad('cdb', caseText(t, initiator, k), `${problem}; answer: status ${answer.status}, host ${answer.hostStatus}, sense ${toHex(answer.sense)}, ${answer.dataIn.length} bytes in`);
    tally.saw(outcome(k.cdb[0], answer));
    options.observe?.(k, answer);
    rig.clock.now += STEP_US;
    if (options.progress && (i + 1) % 50_000 === 0) options.progress(i + 1);
  }
  for (const problem of verifyRig(rig, before)) tally.bad('cdb state', 'after the run', problem);
  if (!options.rig) rig.close();
  return tally;
}

function outcome(op: number, a: SgResponse): string {
  const name = op.toString(16).padStart(2, '0');
  if (a.hostStatus !== 0) return `${name} host ${a.hostStatus}`;
  if (a.status !== 2) return `${name} status ${a.status}`;
  const s = a.sense;
  const d = (s[0] & 0x7f) >= 0x72;
  return `${name} ${(d ? s[1] : s[2]) & 0xf}/${(d ? s[2] : s[12]).toString(16)}/${(d ? s[3] : s[13]).toString(16)}`;
}

/** After a GOOD write: the blocks around it read back as the shadow says (one block either side too). */
function readBack(rig: Rig, t: Target, initiator: string, k: CdbCase, to: Destination, a: SgResponse): string | undefined {
  const c = padded(k.cdb);
  const range = blockRange(c);
  const lun = to.lun;
  if (!lun || !range || !WRITES.has(c[0]) || a.status !== 0 || a.hostStatus !== 0 || range.count === 0) return undefined;
  const first = Math.max(0, range.lba - 1);
  const count = Math.min(lun.blocks, range.lba + range.count + 1, first + 64) - first;
  const read = Uint8Array.of(0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  new DataView(read.buffer).setUint32(2, Math.floor(first / 2 ** 32));
  new DataView(read.buffer).setUint32(6, first >>> 0);
  new DataView(read.buffer).setUint32(10, count);
  const back = sendCdbSync(t.arena, t.array, t.port, t.lun, { cdb: read, dataIn: count * lun.blockSize, initiator });
  if (back.status !== 0) return undefined; // a unit attention or an access state: the final check reads it
  const model = new Uint8Array(count * lun.blockSize);
  rig.shadow.read(lun, first, count, model);
  for (let i = 0; i < model.length; i++) {
    if (back.dataIn[i] !== model[i]) return `after a GOOD write, LBA ${first + Math.floor(i / lun.blockSize)} byte ${i % lun.blockSize} reads ${back.dataIn[i]}, expected ${model[i]}`;
  }
  return undefined;
}
