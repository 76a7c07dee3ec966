// Where a lab's state lives between visits (IndexedDB in the browser, beside its blocks), and the
// lab export: one JSON file with the state and every written extent, validated whole before an
// import changes anything.

import type { IndexedDbBlockStore } from '../blockstore/indexeddb-store';
import { EXTENT_SIZE } from '../blockstore/block-store';
import { checkState, LabStateError, type LabState } from './lab-state';

const STORE = 'state';
const KEY = 'current';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class LabStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(name = 'pathlab-lab', factory: IDBFactory = indexedDB): Promise<LabStore> {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    return new LabStore(await request(req));
  }

  async load(): Promise<LabState | undefined> {
    const value = await request(this.db.transaction(STORE, 'readonly').objectStore(STORE).get(KEY));
    if (value === undefined) return undefined;
    try {
      return checkState(value);
    } catch {
      return undefined; // a state this version cannot read: start afresh rather than fail to boot
    }
  }

  async save(state: LabState): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(state, KEY);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () =>
        reject(tx.error?.name === 'QuotaExceededError' ? new Error('storage quota exceeded') : (tx.error ?? new Error('saving the lab failed')));
    });
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error);
    });
  }

  close(): void {
    this.db.close();
  }
}

interface ExportFile {
  format: LabState['format'];
  version: LabState['version'];
  state: LabState;
  blocks: { volume: string; extent: number; data: string }[];
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export async function exportLab(state: LabState, blocks: IndexedDbBlockStore): Promise<string> {
  const extents = await blocks.exportExtents();
  const file: ExportFile = {
    format: state.format,
    version: state.version,
    state,
    blocks: extents.map((e) => ({ volume: e.volume, extent: e.extent, data: toBase64(e.data) })),
  };
  return JSON.stringify(file);
}

/** Parses and checks a whole export file; throws LabStateError with what is wrong. Changes nothing. */
export function readExport(text: string): { state: LabState; extents: { volume: string; extent: number; data: Uint8Array }[] } {
  let file: ExportFile;
  try {
    file = JSON.parse(text) as ExportFile;
  } catch {
    throw new LabStateError('not a PathLab lab: the file is not JSON');
  }
  if (typeof file !== 'object' || file === null) throw new LabStateError('not a PathLab lab: expected an object');
  const state = checkState(file.state ?? { format: file.format });
  if (!Array.isArray(file.blocks)) throw new LabStateError('not a PathLab lab: blocks must be a list');
  const extents = file.blocks.map((b, i) => {
    if (typeof b !== 'object' || b === null || typeof b.volume !== 'string' || !Number.isInteger(b.extent) || b.extent < 0 || typeof b.data !== 'string') {
      throw new LabStateError(`broken lab file: block ${i} is malformed`);
    }
    let data: Uint8Array;
    try {
      data = fromBase64(b.data);
    } catch {
      throw new LabStateError(`broken lab file: block ${i} is not base64`);
    }
    if (data.length !== EXTENT_SIZE) throw new LabStateError(`broken lab file: block ${i} holds ${data.length} bytes, not ${EXTENT_SIZE}`);
    return { volume: b.volume, extent: b.extent, data };
  });
  return { state, extents };
}
