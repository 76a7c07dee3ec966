import { stackIops } from '../bench/stack.ts';
await stackIops('wasm', 100_000);
console.log(Math.round(await stackIops('wasm', 600_000)));
