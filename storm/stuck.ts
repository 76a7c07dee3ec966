// Stuck commands: after everything is repaired and virtual time has run past the command timeout
// plus the APD timeout, nothing may still be on its way. Three ledgers are read, each counting
// commands not yet finished in its own layer: the VMs' (each job's commands not yet back), the
// device queues' (ACTV and QUED of every device; ACTV includes what NMP parks in APD) and the adapters'
// (ACTV of every adapter, management commands included). A command lost in any layer shows in at
// least one of them; the largest is the number of commands the storm cannot account for.

import type { Host } from '../src/stack/host';
import { runningWorkloads } from '../src/stack/sim/workload-host';

export interface StuckCount {
  stuck: number;
  /** Each ledger, for the report. */
  jobs: number;
  devices: number;
  adapters: number;
}

export function countStuck(host: Host): StuckCount {
  let jobs = 0;
  for (const job of runningWorkloads(host)) jobs += job.inFlight;
  let devices = 0;
  for (const device of host.psa.devices.values()) devices += device.outstanding + device.counters.queued;
  let adapters = 0;
  for (const adapter of host.adapters) adapters += adapter.outstanding;
  return { stuck: Math.max(jobs, devices, adapters), jobs, devices, adapters };
}
