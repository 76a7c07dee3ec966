// Compiles each AssemblyScript module under asm/ to asm/build/<name>.wasm.
// Runs on install, start, test, build and bench; skips a module whose .wasm is newer than its sources.
import { readdirSync, statSync, existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asmDir = join(root, 'asm');
const outDir = join(asmDir, 'build');
const modules = ['cdb', 'sgcopy', 'ioqueue'];

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestSource(p) : s.mtimeMs);
  }
  return newest;
}

const { default: asc } = await import('assemblyscript/asc');
mkdirSync(outDir, { recursive: true });
const shared = join(asmDir, 'shared');
for (const name of modules) {
  const entry = join(asmDir, name, 'index.ts');
  const out = join(outDir, `${name}.wasm`);
  if (!existsSync(entry)) throw new Error(`asm/${name}/index.ts is missing`);
  const sourcesTime = Math.max(newestSource(join(asmDir, name)), existsSync(shared) ? newestSource(shared) : 0);
  if (existsSync(out) && statSync(out).mtimeMs > sourcesTime) continue;
  const { error, stderr } = await asc.main([
    entry,
    '--outFile', out,
    '--textFile', join(outDir, `${name}.wat`),
    '--runtime', 'stub',
    '--optimizeLevel', '3',
    '--shrinkLevel', '0',
    '--noAssert',
    '--use', 'abort=',
    '--initialMemory', '2',
  ]);
  if (error) {
    console.error(stderr.toString());
    console.error(`asc failed on asm/${name}: ${error.message}`);
    process.exit(1);
  }
  console.log(`asc: asm/${name} -> asm/build/${name}.wasm`);
}
