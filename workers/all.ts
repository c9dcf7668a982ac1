// Process entry point: every role in one process (the embedded default; what `vigil start` runs).
import { runRoles } from './run-roles.js';

await runRoles(['api', 'pipeline', 'cameras']);
