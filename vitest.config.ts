import { defineConfig } from 'vitest/config';

// Three tiers: `unit` is the fast inner loop; `e2e` and `slurm` drive real tools
// (PyPI installs, a SLURM cluster) and run in their own scripts.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 3_600_000, hookTimeout: 3_600_000, fileParallelism: false } },
      { test: { name: 'slurm', include: ['test/slurm/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false } },
    ],
  },
});
