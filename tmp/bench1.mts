import { stackIops } from '../bench/stack.ts';
for (const e of ['wasm','typescript','wasm'] as const) console.log(e, Math.round(await stackIops(e, 200_000)));
