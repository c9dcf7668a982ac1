// Test runner settings: integration tests share one machine's Redis, ffmpeg and RTSP ports,
// so files run one at a time in forks; unit tests are fast enough that this costs little.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'fixtures/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
