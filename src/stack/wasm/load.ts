// Loads the AssemblyScript modules built by scripts/build-asm.js (asm/build/*.wasm).
// The same code runs in Node (file: URLs, read from disk) and in the browser worker (fetched; Vite
// sees each literal `new URL(..., import.meta.url)` and ships the .wasm in dist/).

export type WasmModuleName = 'cdb' | 'sgcopy' | 'ioqueue';

const moduleUrls: Record<WasmModuleName, () => URL> = {
  cdb: () => new URL('../../../asm/build/cdb.wasm', import.meta.url),
  sgcopy: () => new URL('../../../asm/build/sgcopy.wasm', import.meta.url),
  ioqueue: () => new URL('../../../asm/build/ioqueue.wasm', import.meta.url),
};

async function readBytes(url: URL): Promise<ArrayBuffer | Uint8Array> {
  if (url.protocol === 'file:') {
    // Kept out of the browser bundle: only Node reaches this branch.
    const fsModule = 'node:fs/promises';
    const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** Instantiates one module. Throws with the module's name when the file is missing or invalid. */
export async function loadWasm(name: WasmModuleName): Promise<WebAssembly.Instance> {
  if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available here');
  const url = moduleUrls[name]();
  let bytes: ArrayBuffer | Uint8Array;
  try {
    bytes = await readBytes(url);
  } catch (e) {
    throw new Error(`asm/${name}: cannot read ${url.href} (run \`npm run asbuild\`): ${(e as Error).message}`);
  }
  const { instance } = await WebAssembly.instantiate(bytes as BufferSource, {});
  return instance;
}
