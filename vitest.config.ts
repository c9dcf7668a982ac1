// Test runner settings, in two tiers. "unit": pure code, fakes for I/O, files in parallel.
// "integration" (`*.int.test.ts` and test/): real Redis, databases, ffmpeg, RTSP, browsers and
// processes that share one machine's CPU and ports, so those files run one at a time: vitest 3.2
// has no per-project fileParallelism, so `npm test` runs the tiers one after the other and the
// integration tier with --no-file-parallelism (package.json).
import { defineConfig } from 'vitest/config';

const integration = ['test/**/*.test.ts', '**/*.int.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'fixtures/**/*.test.ts'],
          exclude: [...integration, '**/node_modules/**'],
          pool: 'forks',
          testTimeout: 60_000,
          // PGlite's first open (initdb) takes seconds on a busy machine.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: integration,
          exclude: ['**/node_modules/**'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
