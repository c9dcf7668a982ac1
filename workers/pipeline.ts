// Process entry point: the pipeline role alone (with DATABASE_URL; the embedded database serves one process).
// Run with: npx tsx workers/pipeline.ts
import { runRoles } from './run-roles.js';

await runRoles(['pipeline']);
