// An analysis thread's entry point: plain JavaScript, so it loads in a worker whatever started the node (tsx's CLI
// passes its loader to workers, `bin/vigil.js`'s register() and vitest do not); it registers the TypeScript loader
// for this thread and runs analysis-worker.ts.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./analysis-worker.ts', import.meta.url).href);
