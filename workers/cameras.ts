// Process entry point: the cameras role alone (with DATABASE_URL; the embedded database serves one process).
// Run with: npx tsx workers/cameras.ts
import { runRoles } from './run-roles.js';

await runRoles(['cameras']);
