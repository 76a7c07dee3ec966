// esxcli storage core adapter stats get [-a vmhbaN]: each adapter's I/O totals, the sum over its
// paths (every attempt counted on the path that carried it). Blocks are 512-byte units, as ESXi
// counts them. PathLab adds the data bytes its adapters moved over the fabric (data-out sent,
// data-in received, CDBs aside), last, since ESXi's fields lack them.

import type { HostAdapter } from '../../fabric/adapter';
import type { Host } from '../../host';
import { EsxcliError, str, type CommandSpec } from './command';
import { records, type Field } from './format';

function statsFields(host: Host, adapter: HostAdapter): Field[] {
  let reads = 0, writes = 0, bytesRead = 0, bytesWritten = 0, commands = 0, failed = 0, sent = 0, received = 0;
  for (const p of host.psa.paths) {
    if (p.adapterRef !== adapter) continue;
    const c = p.counters;
    reads += c.reads;
    writes += c.writes;
    bytesRead += c.bytesRead;
    bytesWritten += c.bytesWritten;
    commands += c.commands;
    failed += c.failed;
    sent += c.bytesSent;
    received += c.bytesReceived;
  }
  return [
    ['Successful Commands', commands],
    ['Blocks Read', Math.floor(bytesRead / 512)],
    ['Blocks Written', Math.floor(bytesWritten / 512)],
    ['Read Operations', reads],
    ['Write Operations', writes],
    ['Reserve Operations', 0],
    ['Reservation Conflicts', 0],
    ['Failed Commands', failed],
    ['Failed Blocks Read', 0],
    ['Failed Blocks Written', 0],
    ['Failed Read Operations', 0],
    ['Failed Write Operations', 0],
    ['Failed Reserve Operations', 0],
    ['Bytes Sent', sent],
    ['Bytes Received', received],
  ];
}

const get: CommandSpec = {
  path: ['storage', 'core', 'adapter', 'stats', 'get'],
  description: 'List the SCSI stats for the SCSI Host Bus Adapters in the system.',
  options: [{ short: 'a', long: 'adapter', type: 'str', help: 'Limit the output to a specific adapter.' }],
  run(host, opts) {
    const name = str(opts, 'adapter');
    const adapter = name === undefined ? undefined : host.adapter(name);
    if (name !== undefined && !adapter) throw new EsxcliError(`Unknown adapter ${name} (adapters: ${host.adapters.map((a) => a.name).join(', ')})`);
    const adapters = adapter ? [adapter] : host.adapters;
    return records(adapters.map((a) => ({ id: `${a.name}:`, fields: statsFields(host, a) })));
  },
};

export const adapterStatsCommands = [get];
export const ADAPTER_STATS_NAMESPACES: Record<string, string> = {
  'storage core adapter stats': 'Operations on SCSI adapter statistics.',
};
