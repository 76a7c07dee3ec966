// The stack's module worker: boots the stack on first use and exposes the worker API with comlink.
// Blocks live in IndexedDB here, so a lab survives a reload.

import { expose } from 'comlink';
import type { StackApi } from './api';
import { bootStack, type Stack } from './boot';

let booting: Promise<Stack> | undefined;

function stack(): Promise<Stack> {
  booting ??= bootStack({ store: typeof indexedDB === 'undefined' ? 'memory' : 'indexeddb' });
  return booting;
}

const api: StackApi = {
  start: async () => (await stack()).engineInfo,
  inventory: async () => (await stack()).inventory(),
};

expose(api);
