import { benchRuntime } from './bench/runtime';
benchRuntime().then((rows) => { for (const [k, v] of rows) console.log(`${k}: ${v}`); });
