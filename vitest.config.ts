import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores here and in CI: more workers only fight over them.
    maxWorkers: 2,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
