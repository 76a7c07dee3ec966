// The stack's module worker: boots a host on the classroom scenario on first use and exposes the
// worker API with comlink. Blocks live in IndexedDB here, so a lab survives a reload.

import { expose } from 'comlink';
import type { StackApi } from './api';
import { LabSession } from './cli/script';
import { Host } from './host';
import { discoveredInventory } from './inventory';

let booting: Promise<LabSession> | undefined;

function session(): Promise<LabSession> {
  booting ??= Host.boot({ store: typeof indexedDB === 'undefined' ? 'memory' : 'indexeddb' }).then((host) => new LabSession(host));
  return booting;
}

const api: StackApi = {
  async start() {
    const { engine, reason } = (await session()).host.engines;
    return reason ? { engine, reason } : { engine };
  },
  async inventory() {
    return discoveredInventory((await session()).host);
  },
  async run(line) {
    return (await session()).run(line);
  },
  async runScript(text) {
    let transcript = '';
    const failedLine = await (await session()).runScript(text, (chunk) => (transcript += chunk));
    return { transcript, failedLine };
  },
};

expose(api);
