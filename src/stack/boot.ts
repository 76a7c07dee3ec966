// Boots the arrays alone (no host): engines, block store and the scenario's arrays. It is what
// `pathlab sg` pokes, and what array-level tests use; src/stack/host.ts boots the whole host.

import type { ArrayInventory, EngineInfo } from './api';
import { StorageArray } from './arrays/storage-array';
import type { ArrayConfig } from './arrays/config';
import type { BlockStore } from './blockstore/block-store';
import { MemoryBlockStore } from './blockstore/memory-store';
import { IndexedDbBlockStore } from './blockstore/indexeddb-store';
import { loadEngines, type EngineChoice, type Engines } from './engine';
import { inventoryOf } from './inventory';
import { Arena } from './memory/arena';
import { classroomScenario } from './scenario/classroom';

export interface BootOptions {
  engine?: EngineChoice;
  /** 'memory' (default in Node) or 'indexeddb' (the browser; needs a global indexedDB). */
  store?: 'memory' | 'indexeddb';
  /** IndexedDB database name, so tests and labs do not share blocks. */
  databaseName?: string;
  arrays?: ArrayConfig[];
  seed?: number;
}

export class Stack {
  constructor(
    readonly engines: Engines,
    readonly arena: Arena,
    readonly store: BlockStore,
    readonly arrays: StorageArray[],
  ) {}

  array(name: string): StorageArray | undefined {
    return this.arrays.find((a) => a.name === name);
  }

  get engineInfo(): EngineInfo {
    const { engine, reason } = this.engines;
    return reason ? { engine, reason } : { engine };
  }

  async inventory(): Promise<ArrayInventory[]> {
    const result: ArrayInventory[] = [];
    for (const array of this.arrays) result.push(await inventoryOf(this.arena, array));
    return result;
  }

  close(): void {
    this.store.close();
  }
}

export async function bootStack(options: BootOptions = {}): Promise<Stack> {
  const engines = await loadEngines(options.engine);
  const arena = new Arena(engines.sgcopy);
  const store =
    options.store === 'indexeddb'
      ? await IndexedDbBlockStore.open(arena, options.databaseName)
      : new MemoryBlockStore(arena);
  const env = { arena, codec: engines.cdb, store, seed: options.seed ?? 1 };
  const arrays: StorageArray[] = [];
  for (const config of options.arrays ?? classroomScenario.arrays) arrays.push(await StorageArray.create(config, env));
  return new Stack(engines, arena, store, arrays);
}
