// Process entry point: the api role alone (with DATABASE_URL; the embedded database serves one process).
// Run with: npx tsx workers/api.ts
import { runRoles } from './run-roles.js';

await runRoles(['api']);
