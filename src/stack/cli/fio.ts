// `fio`: PathLab's fio. Parses fio-style options into a job on one device (a VM's disk or any
// device by id), runs it in virtual time (src/stack/sim/workload.ts) and prints a summary shaped
// like fio's. Deterministic: the same host seed and options give the same text, byte for byte.
// Jobs run with continue_on_error: failed commands are counted (errors line, err= 5) and the job
// goes on.

import type { Host } from '../host';
import { FIO_PERCENTILES, type DirectionStats } from '../sim/latency-log';
import { Workload } from '../sim/workload';
import { MAX_BS, MAX_IODEPTH, RW_MODES, type RwMode } from '../sim/workload-options';
import { hasVvolVm, vvolDevice, vvols } from '../vvol';
import { fileLockHooks, fileTarget } from '../vmfs/file-io';

export const FIO_USAGE = `Usage: fio (--vm NAME [--disk N] | --device ID | --filename FILE) [options]
  --vm NAME        the VM whose disk the job drives (its world, shares and IOPS limit apply)
  --disk N         the VM's disk (default 0)
  --device ID      any device by id (naa., eui., t10., mpx., vml.); world "fio", shares 1000
  --filename FILE  a disk on a VMFS volume (/vmfs/volumes/LABEL/NAME.vmdk), under its on-disk lock
  --name NAME      job name (default the VM's name, or "fio")
  --rw MODE        read | write | rw | randread | randwrite | randrw (default read)
  --bs SIZE        bytes per command: 512, 4k, 64k, 1m ... (default 4k)
  --iodepth N      commands in flight, 1..${MAX_IODEPTH} (default 1)
  --size SIZE      bytes of the device used from offset 0 (default the device, at most 256m)
  --runtime TIME   virtual time: 10s, 500ms, 2m (default: one pass over --size)
  --number_ios N   stop after N commands
  --rwmixread PCT  percent reads for rw and randrw (default 50)
  --rate_iops N    the job's own IOPS cap
  --verify         stamp writes and check reads (write-only jobs read back what they wrote)
  --randseed N     seed of offsets and mix (default the host's seed)`;

export interface FioJobSpec {
  name: string;
  /** The VM and disk index, for --vm jobs. */
  vm: string | undefined;
  disk: number | undefined;
  deviceId: string;
  world: string;
  rw: RwMode;
  bs: number;
  iodepth: number;
  /** Bytes; undefined: the whole device capped at 256 MiB. */
  size: number | undefined;
  /** Virtual µs. */
  runtimeUs: number | undefined;
  ios: number | undefined;
  rwmixread: number;
  rateIops: number | undefined;
  verify: boolean;
  seed: number | undefined;
  /** A vVol VM's disk: the I/O goes to its PE's device with the vVol's secondary id. */
  vvol?: { secondaryId: number; capacityBytes: number; id: string };
  /** A file on a VMFS volume: the job works on its extent, holding its lock. */
  file?: { path: string; sizeBytes: number };
}

const VALUE_OPTIONS = ['vm', 'disk', 'device', 'filename', 'name', 'rw', 'bs', 'iodepth', 'size', 'runtime', 'number_ios', 'rwmixread', 'rate_iops', 'randseed'];
const ALIASES: Record<string, string> = { readwrite: 'rw', blocksize: 'bs', seed: 'randseed', ios: 'number_ios', 'rate-iops': 'rate_iops' };
const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const TIME_UNITS: Record<string, number> = { us: 1, usec: 1, ms: 1000, msec: 1000, '': 1e6, s: 1e6, sec: 1e6, m: 60e6, min: 60e6, h: 3600e6 };

function fail(option: string, message: string): never {
  throw new Error(`fio: --${option}: ${message}`);
}

/** 4k, 64K, 1m, 1MiB, 512 (bytes, base 1024 as fio's kb_base=1024). */
export function parseSize(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmgt]?)(i?b)?$/i.exec(text.trim());
  if (!m) fail(option, `"${text}" is not a size (e.g. 4k, 64k, 1m, 1g)`);
  const bytes = Number(m[1]) * UNITS[m[2].toLowerCase()];
  if (!Number.isSafeInteger(bytes) || bytes <= 0) fail(option, `"${text}" is not a positive whole number of bytes`);
  return bytes;
}

/** 10s, 500ms, 2m, 1h, 250us; a bare number is seconds (as fio's runtime). Virtual µs. */
export function parseTime(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|usec|ms|msec|s|sec|m|min|h)?$/i.exec(text.trim());
  if (!m) fail(option, `"${text}" is not a time (e.g. 10s, 500ms)`);
  const us = Number(m[1]) * TIME_UNITS[(m[2] ?? '').toLowerCase()];
  if (!(us >= 1) || !Number.isFinite(us)) fail(option, `"${text}" is shorter than 1us`);
  return Math.round(us);
}

function parseInteger(option: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) fail(option, `"${text}" is not a whole number`);
  const n = Number(text);
  if (n < min || n > max) fail(option, `${n} is not in ${min}..${max}`);
  return n;
}

function parseBoolean(option: string, text: string): boolean {
  const t = text.toLowerCase();
  if (['1', 'true', 'yes', 'on', 'crc32c', 'md5', 'meta', 'pattern'].includes(t)) return true;
  if (['0', 'false', 'no', 'off'].includes(t)) return false;
  return fail(option, `"${text}" is not 0 or 1`);
}

/** fio-style arguments to a job spec, checked against the host (VM, disk, device, sizes). */
export function parseFioArgs(argv: string[], host: Host): FioJobSpec {
  const values = new Map<string, string>();
  let verify = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`fio: unexpected argument "${arg}" (options are --name value or --name=value)`);
    const eq = arg.indexOf('=');
    const raw = arg.slice(2, eq < 0 ? undefined : eq);
    const name = ALIASES[raw] ?? raw;
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (name === 'verify') {
      verify = inline === undefined ? true : parseBoolean('verify', inline);
      continue;
    }
    if (!VALUE_OPTIONS.includes(name)) throw new Error(`fio: unknown option --${raw}`);
    let value = inline;
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) fail(name, 'needs a value');
      i++;
    }
    if (value === '') fail(name, 'needs a value');
    if (values.has(name)) fail(name, 'is given twice');
    values.set(name, value);
  }

  const vmName = values.get('vm');
  const deviceArg = values.get('device');
  const filename = values.get('filename');
  if ([vmName, deviceArg, filename].filter((v) => v !== undefined).length > 1) fail(filename !== undefined ? 'filename' : 'device', 'give either --vm, --device or --filename, only one');
  if (vmName === undefined && deviceArg === undefined && filename === undefined) throw new Error('fio: --vm NAME or --device ID is required (or --filename FILE, a disk on a VMFS volume)');
  if (values.has('disk') && vmName === undefined) fail('disk', 'only applies with --vm');
  let device;
  let world: string;
  let disk: number | undefined;
  let vvol: FioJobSpec['vvol'];
  let file: FioJobSpec['file'];
  if (vmName !== undefined && !host.vm(vmName) && hasVvolVm(host, vmName)) {
    // A vVol VM: its disk is a vVol, reached through the protocol endpoint it is bound to.
    disk = values.has('disk') ? parseInteger('disk', values.get('disk')!, 0, Number.MAX_SAFE_INTEGER) : 0;
    let target;
    try {
      target = vvols(host).ioTarget(vmName, disk);
    } catch (e) {
      const message = (e as Error).message;
      fail(/ has \d+ disk\(s\)/.test(message) ? 'disk' : 'vm', message);
    }
    device = target.device;
    world = target.world;
    vvol = { secondaryId: target.secondaryId, capacityBytes: target.capacityBytes, id: target.vvol.id };
  } else if (vmName !== undefined) {
    const vm = host.vm(vmName);
    if (!vm) fail('vm', `no VM named "${vmName}" (VMs: ${host.vms.map((v) => v.name).join(', ')})`);
    disk = values.has('disk') ? parseInteger('disk', values.get('disk')!, 0, Number.MAX_SAFE_INTEGER) : 0;
    if (disk >= vm.disks.length) fail('disk', `${vmName} has ${vm.disks.length} disk(s): 0..${vm.disks.length - 1}`);
    const d = vm.disks[disk];
    device = d.device;
    if (!device) fail('vm', `${vmName} disk ${disk} (${d.array} LUN ${d.lun}) has no device: its paths are gone or unclaimed`);
    world = d.world;
  } else if (filename !== undefined) {
    let target;
    try {
      target = fileTarget(host, filename);
    } catch (e) {
      fail('filename', (e as Error).message);
    }
    device = target.device;
    world = 'fio';
    file = { path: filename, sizeBytes: target.sizeBytes };
  } else {
    device = host.psa.device(deviceArg!);
    if (!device) fail('device', `no device "${deviceArg}"`);
    world = 'fio';
  }

  const rwText = values.get('rw') ?? 'read';
  const rw = (rwText === 'readwrite' ? 'rw' : rwText) as RwMode;
  if (!RW_MODES.includes(rw)) fail('rw', `"${rwText}" is not one of ${RW_MODES.join(', ')}`);

  const bs = values.has('bs') ? parseSize('bs', values.get('bs')!) : 4096;
  if (bs % device.blockSize !== 0) fail('bs', `${bs} is not a multiple of the device's ${device.blockSize}-byte blocks`);
  if (bs > MAX_BS) fail('bs', `${bs} is more than the arrays' maximum transfer of ${MAX_BS} bytes`);

  const iodepth = values.has('iodepth') ? parseInteger('iodepth', values.get('iodepth')!, 1, MAX_IODEPTH) : 1;

  let size: number | undefined;
  if (values.has('size')) {
    size = parseSize('size', values.get('size')!);
    const capacity = vvol?.capacityBytes ?? file?.sizeBytes ?? device.capacityBytes;
    if (size > capacity) fail('size', `${size} is more than the ${vvol ? 'vVol' : file ? 'file' : 'device'}'s ${capacity} bytes`);
    if (size < bs) fail('size', `${size} is smaller than bs ${bs}`);
  }

  const runtimeUs = values.has('runtime') ? parseTime('runtime', values.get('runtime')!) : undefined;
  const ios = values.has('number_ios') ? parseInteger('number_ios', values.get('number_ios')!, 1, Number.MAX_SAFE_INTEGER) : undefined;
  const rwmixread = values.has('rwmixread') ? parseInteger('rwmixread', values.get('rwmixread')!, 0, 100) : 50;
  const rateIops = values.has('rate_iops') ? parseInteger('rate_iops', values.get('rate_iops')!, 1, 100_000_000) : undefined;
  const seed = values.has('randseed') ? parseInteger('randseed', values.get('randseed')!, 0, 0xffffffff) : undefined;
  const name = values.get('name') ?? vmName ?? 'fio';

  const spec: FioJobSpec = { name, vm: vmName, disk, deviceId: device.id, world, rw, bs, iodepth, size, runtimeUs, ios, rwmixread, rateIops, verify, seed };
  if (vvol) spec.vvol = vvol;
  if (file) spec.file = file;
  return spec;
}

/** A job for the spec on the host (not started). Throws if the device has gone since parsing. */
export function createFioWorkload(host: Host, spec: FioJobSpec): Workload {
  const device = host.psa.device(spec.deviceId) ?? vvolDevice(host, spec.deviceId);
  if (!device) throw new Error(`fio: device ${spec.deviceId} is gone`);
  const target = spec.file ? fileTarget(host, spec.file.path) : undefined;
  return new Workload(host, {
    name: spec.name,
    device,
    world: spec.world,
    // A vVol VM is not one of the host's classic VMs: the array enforces its limits, per vVol.
    vm: spec.vvol ? undefined : spec.vm,
    secondaryId: spec.vvol?.secondaryId,
    capacityBytes: spec.vvol?.capacityBytes,
    trackKey: spec.vvol ? `vvol:${spec.vvol.id}` : undefined,
    rw: spec.rw,
    bs: spec.bs,
    iodepth: spec.iodepth,
    size: spec.size,
    runtimeUs: spec.runtimeUs,
    ios: spec.ios,
    rwmixread: spec.rwmixread,
    rateIops: spec.rateIops,
    verify: spec.verify,
    seed: spec.seed,
    // A file's job: its extent, its own verify stamps, and its lock held while it runs.
    ...(target ? { baseLba: target.baseLba, capacityBytes: target.sizeBytes, trackKey: `vmfs:${target.volume.uuid}:${target.name}:${target.gen}`, ...fileLockHooks(host, target) } : {}),
  });
}

export interface FioHandle {
  readonly spec: FioJobSpec;
  readonly job: Workload;
  readonly isRunning: boolean;
  /** Stops starting commands; the job ends when those in flight are back (as time advances). */
  stop(): void;
  /** The summary so far (final once the job has finished). */
  summary(): string;
  /** Resolves with the final summary when the job finishes. */
  readonly finished: Promise<string>;
}

/**
 * Starts a job and returns at once. The job advances only as the host's virtual time does: whoever
 * drives the clock (the console's ticker, advanceTo, runFio of another job) runs it.
 */
export function startFio(host: Host, spec: FioJobSpec): FioHandle {
  const job = createFioWorkload(host, spec);
  let resolve!: (text: string) => void;
  const finished = new Promise<string>((r) => (resolve = r));
  job.onFinished = () => resolve(fioSummary(job));
  job.start();
  return {
    spec,
    job,
    get isRunning() {
      return job.isRunning;
    },
    stop: () => job.stop(),
    summary: () => fioSummary(job),
    finished,
  };
}

/** Virtual time run per step while waiting for a job, and wall time between yields to the event loop. */
const STEP_US = 10_000;

/** Runs the job to completion in virtual time and returns its summary; throws if it could not open its file. */
export async function runFio(host: Host, spec: FioJobSpec): Promise<string> {
  const handle = startFio(host, spec);
  await runUntilFinished(host, [handle]);
  if (handle.job.openError !== undefined) throw new Error(`fio: ${spec.file?.path}: ${handle.job.openError}`);
  return handle.finished;
}

/**
 * Advances virtual time until every job has finished, yielding to the event loop now and then so
 * a page stays responsive. Throws if the jobs stall with nothing left to happen.
 */
export async function runUntilFinished(host: Host, handles: FioHandle[]): Promise<void> {
  const settings = host.scenario.settings;
  // Past this much virtual time with no command finishing, something is lost: say so, do not spin.
  const stallUs = (settings.commandTimeoutSec + settings.apdTimeoutSec + 60) * 1e6;
  const progress = () => handles.reduce((n, h) => n + h.job.read.ios + h.job.write.ios + h.job.read.errors + h.job.write.errors, 0);
  let lastProgress = progress();
  let lastProgressAt = host.clock.now;
  for (;;) {
    const running = handles.filter((h) => !h.job.isFinished);
    if (running.length === 0) return;
    await host.advanceTo(host.clock.now + STEP_US);
    const now = progress();
    if (now !== lastProgress) {
      lastProgress = now;
      lastProgressAt = host.clock.now;
    } else if (host.clock.now - lastProgressAt > stallUs) {
      throw new Error(`fio: job ${running[0].spec.name} stalled: no command finished in ${(stallUs / 1e6).toFixed(0)} s with ${running[0].job.inFlight} in flight`);
    }
  }
}

// ---- the summary ----

/** fio's num2str at 3 significant digits: 78.5, 231, 1.23. */
function sig3(x: number): string {
  if (x === 0) return '0';
  if (x >= 99.95) return Math.round(x).toString();
  if (x >= 9.995) return x.toFixed(1);
  return x.toFixed(2);
}

function iopsText(iops: number): string {
  if (iops < 10_000) return Math.round(iops).toString();
  const units = ['k', 'M', 'G'];
  let v = iops / 1000;
  let u = 0;
  while (v >= 999.5 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return sig3(v) + units[u];
}

function f52(x: number): string {
  return x.toFixed(2).padStart(5);
}

function percentileLines(stats: DirectionStats): string[] {
  const values = stats.lat.percentilesNs().map((ns) => Math.floor((Math.round(ns) + 999) / 1000));
  const width = Math.max(5, ...values.map((v) => String(v).length));
  const entries = FIO_PERCENTILES.map((p, i) => `${f52(p)}th=[${String(values[i]).padStart(width)}]`);
  const lines: string[] = ['    clat percentiles (usec):'];
  for (let i = 0; i < entries.length; i += 4) {
    const last = i + 4 >= entries.length;
    lines.push(`     | ${entries.slice(i, i + 4).join(', ')}${last ? '' : ','}`);
  }
  return lines;
}

function directionLines(label: string, stats: DirectionStats, runMs: number): string[] {
  const seconds = runMs / 1000 || 1;
  const mib = stats.bytes / 1048576;
  const lines = [`  ${label}: IOPS=${iopsText(stats.ios / seconds)}, BW=${sig3(mib / seconds)}MiB/s (${sig3(stats.bytes / 1e6 / seconds)}MB/s)(${sig3(mib)}MiB/${runMs}msec)`];
  const lat = stats.lat;
  const min = lat.samples > 0 ? Math.round(lat.minUs) : 0;
  lines.push(`    clat (usec): min=${min}, max=${Math.round(lat.maxUs)}, avg=${f52(lat.meanUs)}, stdev=${f52(lat.stdevUs)}`);
  lines.push(...percentileLines(stats));
  return lines;
}

function groupLine(label: string, stats: DirectionStats, runMs: number): string {
  const seconds = runMs / 1000 || 1;
  const bw = `${sig3(stats.bytes / 1048576 / seconds)}MiB/s`;
  const bwMb = `${sig3(stats.bytes / 1e6 / seconds)}MB/s`;
  return `${label}: bw=${bw} (${bwMb}), ${bw}-${bw} (${bwMb}-${bwMb}), io=${sig3(stats.bytes / 1048576)}MiB (${sig3(stats.bytes / 1e6)}MB), run=${runMs}-${runMs}msec`;
}

/** The job's results in fio's layout (clat in usec, bandwidth in MiB/s). */
export function fioSummary(job: Workload): string {
  const runMs = Math.round(job.elapsedUs / 1000);
  const errors = job.read.errors + job.write.errors;
  const bs = `${job.bs}B-${job.bs}B`;
  const out: string[] = [
    `${job.name}: (g=0): rw=${job.rw}, bs=(R) ${bs}, (W) ${bs}, (T) ${bs}, ioengine=pathlab, iodepth=${job.iodepth}`,
    `${job.name}: (groupid=0, jobs=1): err=${String(errors > 0 ? 5 : 0).padStart(2)}: world=${job.world}: device=${job.device.id}${job.isFinished ? '' : ' (running)'}`,
  ];
  const showRead = job.read.ios > 0 || job.read.errors > 0 || job.rw.includes('read') || job.rw === 'rw' || job.rw === 'randrw';
  const showWrite = job.write.ios > 0 || job.write.errors > 0 || job.rw.includes('write') || job.rw === 'rw' || job.rw === 'randrw';
  if (job.openError !== undefined) out.push(`  error: ${job.openError}`);
  if (showRead) out.push(...directionLines('read', job.read, runMs));
  if (showWrite) out.push(...directionLines('write', job.write, runMs));
  if (job.verify) {
    out.push(`  verify: ${job.verifyChecked} blocks checked, ${job.verifyFailed} failed`);
    const f = job.firstFailure;
    if (f) out.push(`    first bad block: lba=${f.lba}, expected seq=${f.expectedSeq}, found lba=${f.foundLba} seq=${f.foundSeq}`);
  }
  out.push(`  errors: ${errors}`);
  out.push('');
  out.push('Run status group 0 (all jobs):');
  if (showRead) out.push(groupLine('   READ', job.read, runMs));
  if (showWrite) out.push(groupLine('  WRITE', job.write, runMs));
  return out.join('\n');
}
