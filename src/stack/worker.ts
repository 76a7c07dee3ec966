// The stack's module worker: boots a host on the classroom scenario on first use and exposes the
// worker API with comlink. Blocks live in IndexedDB here, so a lab survives a reload.

import { expose } from 'comlink';
import type { StackApi } from './api';
import { LabSession } from './cli/script';
import { Host } from './host';
import { discoveredInventory } from './inventory';
import type { StatsFrame } from './workbench/frames';
import { snapshot } from './workbench/snapshot';
import { TimeControl } from './workbench/time-control';

interface Lab {
  session: LabSession;
  time: TimeControl;
}

let booting: Promise<Lab> | undefined;
let frameListener: ((frame: StatsFrame) => void) | undefined;

function lab(): Promise<Lab> {
  booting ??= Host.boot({ store: typeof indexedDB === 'undefined' ? 'memory' : 'indexeddb' }).then((host) => {
    const session = new LabSession(host);
    const time = new TimeControl(session, (frame) => frameListener?.(frame));
    return { session, time };
  });
  return booting;
}

async function session(): Promise<LabSession> {
  return (await lab()).session;
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
  async snapshot() {
    const { session } = await lab();
    return session.exclusive(async () => snapshot(session.host));
  },
  async setSpeed(speed) {
    (await lab()).time.setSpeed(speed);
  },
  async step(us) {
    await (await lab()).time.step(us);
  },
  async onFrames(callback) {
    frameListener = callback;
  },
  async runScript(text) {
    let transcript = '';
    const failedLine = await (await session()).runScript(text, (chunk) => (transcript += chunk));
    return { transcript, failedLine };
  },
};

expose(api);
