// esxcli storage nmp psp roundrobin deviceconfig get | set. The settings live in the device's
// pspConfig under the names VMW_PSP_RR reads: limitType, iops, bytes, useANO, latencyEvalTimeMs,
// samplingCycles (src/stack/nmp/psp/round-robin.ts); the defaults here are the same as there.

import { EsxcliError, num, str, type CommandSpec } from './command';
import { fields } from './format';
import { deviceUsing } from './psp';

const RR = 'VMW_PSP_RR';
const LIMIT_TYPES = ['default', 'iops', 'bytes', 'latency'];

function positive(v: unknown, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

function flag(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true' || v === 'on' || v === 'yes';
}

const get: CommandSpec = {
  path: ['storage', 'nmp', 'psp', 'roundrobin', 'deviceconfig', 'get'],
  description: 'Allow retrieval of Round Robin Path Selection Policy settings for a given device.',
  options: [{ short: 'd', long: 'device', type: 'str', required: true, help: 'The device you wish to get the Round Robin properties for.' }],
  run(host, opts) {
    const device = deviceUsing(host, str(opts, 'device')!, RR, 'get the Round Robin configuration');
    const c = device.pspConfig;
    const type = String(c.limitType ?? 'default').toLowerCase();
    const known = LIMIT_TYPES.includes(type) ? type : 'default';
    const latency = known === 'latency';
    // ESXi prints 0 for the latency settings unless the limit type is latency.
    return fields([
      ['Byte Limit', positive(c.bytes, 10485760)],
      ['Device', device.logical.id],
      ['IOOperation Limit', positive(c.iops, 1000)],
      ['Latency Evaluation Interval', `${latency ? positive(c.latencyEvalTimeMs, 180000) : 0} milliseconds`],
      ['Limit Type', known[0].toUpperCase() + known.slice(1)],
      ['Number Of Sampling IOs Per Path', latency ? positive(c.samplingCycles, 16) : 0],
      ['Use Active Unoptimized Paths', flag(c.useANO)],
    ]);
  },
};

const set: CommandSpec = {
  path: ['storage', 'nmp', 'psp', 'roundrobin', 'deviceconfig', 'set'],
  description: 'Allow setting of the Round Robin Path Selection Policy settings for a given device.',
  options: [
    { short: 'B', long: 'bytes', type: 'long', help: 'When the --type option is set to \'bytes\' this is the value that will be assigned to the byte limit value for this device.' },
    { short: 'd', long: 'device', type: 'str', required: true, help: 'The device you wish to set the Round Robin settings for.' },
    { short: 'I', long: 'iops', type: 'long', help: 'When the --type option is set to \'iops\' this is the value that will be assigned to the I/O operation limit value for this device.' },
    { short: 'T', long: 'latency-eval-time', type: 'long', help: 'When the --type option is set to \'latency\' this value can control at what interval (in ms) the latency of paths should be evaluated.' },
    { short: 'S', long: 'num-sampling-cycles', type: 'long', help: 'When the --type option is set to \'latency\' this value will control how many sample IOs should be issued on each path to calculate latency of the path.' },
    { short: 't', long: 'type', type: 'str', help: `Set the type of the Round Robin path switching that should be enabled for this device. Valid values for type are: ${LIMIT_TYPES.join(', ')}` },
    { short: 'U', long: 'useano', type: 'bool', help: 'Set useano to true, to also include non-optimized paths in the set of active paths used to issue I/Os on this device, otherwise set it to false.' },
  ],
  run(host, opts) {
    const type = str(opts, 'type')?.toLowerCase();
    if (type !== undefined && !LIMIT_TYPES.includes(type)) {
      throw new EsxcliError(`Invalid type ${str(opts, 'type')}. Valid values for type are: ${LIMIT_TYPES.join(', ')}`, true);
    }
    const numbers: [string, string][] = [['iops', 'iops'], ['bytes', 'bytes'], ['latency-eval-time', 'latencyEvalTimeMs'], ['num-sampling-cycles', 'samplingCycles']];
    for (const [option] of numbers) {
      const n = num(opts, option);
      if (n !== undefined && n < 1) throw new EsxcliError(`Invalid value ${n} for --${option}: it must be a positive integer`, true);
    }
    if (type === undefined && numbers.every(([o]) => opts[o] === undefined) && opts.useano === undefined) {
      throw new EsxcliError('Nothing to set: give --type, --iops, --bytes, --useano, --latency-eval-time or --num-sampling-cycles', true);
    }
    const device = deviceUsing(host, str(opts, 'device')!, RR, 'set the Round Robin configuration');
    const config = device.pspConfig;
    if (type !== undefined) config.limitType = type;
    // A limit given without --type switches to that limit, as the option's help implies.
    else if (opts.iops !== undefined && opts.bytes === undefined) config.limitType = 'iops';
    else if (opts.bytes !== undefined && opts.iops === undefined) config.limitType = 'bytes';
    for (const [option, key] of numbers) if (opts[option] !== undefined) config[key] = num(opts, option)!;
    if (opts.useano !== undefined) config.useANO = opts.useano === true;
    host.nmp.pspSettingsChanged(device);
    return '';
  },
};

export const roundRobinCommands = [get, set];
