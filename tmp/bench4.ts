import { stackIops } from '../bench/stack';
(async () => { await stackIops('wasm', 200_000); console.log(Math.round(await stackIops('wasm', 1_000_000))); })();
