import { stackIops } from '../bench/stack';
(async () => { for (const e of ['wasm','typescript','wasm','wasm'] as const) console.log(e, Math.round(await stackIops(e, 300_000))); })();
