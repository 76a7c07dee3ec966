// The hot-path engines: the three AssemblyScript modules, or all three TypeScript twins when
// WebAssembly cannot load (or when asked for, as the benchmark's baseline). Never a mix, so a
// run is either wholly wasm or wholly twin.

import type { EngineInfo } from './api';
import { TsCdbCodec, wasmCdbCodec, type CdbCodec } from './scsi/cdb-codec';
import { TsSgCopy, wasmSgCopy, type SgCopy } from './memory/sgcopy';
import { TsIoQueue, wasmIoQueue, type IoQueue } from './queue/ioqueue';
import { loadWasm } from './wasm/load';

export type EngineChoice = 'auto' | 'wasm' | 'typescript';

export interface Engines extends EngineInfo {
  cdb: CdbCodec;
  sgcopy: SgCopy;
  ioqueue: IoQueue;
}

function twins(reason?: string): Engines {
  return { engine: 'typescript', reason, cdb: new TsCdbCodec(), sgcopy: new TsSgCopy(), ioqueue: new TsIoQueue() };
}

/** 'auto' tries WebAssembly and falls back to the twins, saying why; 'wasm' fails instead. */
export async function loadEngines(choice: EngineChoice = 'auto'): Promise<Engines> {
  if (choice === 'typescript') return twins('TypeScript twins requested');
  try {
    const [cdb, sgcopy, ioqueue] = await Promise.all([loadWasm('cdb'), loadWasm('sgcopy'), loadWasm('ioqueue')]);
    return { engine: 'wasm', cdb: wasmCdbCodec(cdb), sgcopy: wasmSgCopy(sgcopy), ioqueue: wasmIoQueue(ioqueue) };
  } catch (e) {
    if (choice === 'wasm') throw e;
    return twins(`WebAssembly could not load: ${(e as Error).message}`);
  }
}
