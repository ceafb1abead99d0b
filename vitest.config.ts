import { defineConfig } from "vitest/config";
import { tiersNotRun } from "./test/tiers.js";

const notRun = tiersNotRun();

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A tier whose outside tool is missing is left out here and named at the end of the run.
    exclude: ["**/node_modules/**", ...notRun.flatMap((t) => t.files)],
    // The AWS SDK warns about Node 20 once per process; tests load it in-process, and the product
    // silences it the same way (cli/real-context.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Threads start faster than forked processes. Three workers on two cores: most e2e and interop
    // files spend their time waiting on the processes they spawn, so a third keeps the cores busy.
    pool: "threads",
    maxWorkers: 3,
    reporters: ["default", ["./test/summary-reporter.ts", { notRun: notRun.map(({ name, tool, install }) => ({ name, tool, install })) }]],
  },
});
