// The check process's first code (dist/worker.js, what the runner forks): it loads the checks'
// bundle, dist/worker-code.js (tfjs and the checks, worker.ts), through V8's code cache, saved once
// the first process has warmed up and before any user code has run, so that the cache holds the
// code the checks compile as they run. Measured: ready in about 180 ms instead of 250 (DESIGN.md
// "Check processes").
import * as path from 'path';
import { requireWithCodeCache } from '../code-cache';

const loaded = requireWithCodeCache<typeof import('./worker')>(path.join(__dirname, 'worker-code.js'));
void loaded.exports.main({ warmedUp: () => loaded.save() });
