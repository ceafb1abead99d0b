import type { Reporter, TestModule } from "vitest/node";

interface NotRun {
  name: string;
  tool: string;
  install: string;
}

/**
 * Ends the run with one plain line, "vitest: N passed, N failed, N skipped", that tools reading
 * the log (CI) understand without knowing vitest's own summary format; then one line for each
 * test tier that was not run because its outside tool is missing, with the command that installs it.
 */
export default class SummaryReporter implements Reporter {
  private readonly notRun: NotRun[];

  constructor(options: { notRun?: NotRun[] } = {}) {
    this.notRun = options.notRun ?? [];
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (m.state() === "failed" && [...m.children.allTests()].length === 0) failed++;
    }
    let out = `\nvitest: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`;
    for (const t of this.notRun) out += `not run: ${t.name}: ${t.tool} is missing; install it with: ${t.install}\n`;
    process.stdout.write(out);
  }
}
