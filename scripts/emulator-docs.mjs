// npm run docs:emulator: rewrites the emulator's flag table in README.md from the settings table
// (src/emulator/emulator-settings.ts, through scripts/emulator-flag-table.ts), so the two never drift.
import { build } from "esbuild";
import { readFile, writeFile } from "node:fs/promises";

const readmeUrl = new URL("../README.md", import.meta.url);
// The table's code is TypeScript: bundle it in memory and load it as a module.
const out = await build({
  entryPoints: [new URL("./emulator-flag-table.ts", import.meta.url).pathname],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  write: false,
  logLevel: "warning",
});
const { withFlagTable } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
const before = await readFile(readmeUrl, "utf8");
const after = withFlagTable(before);
if (after === before) console.log("README.md: the emulator flag table is up to date.");
else {
  await writeFile(readmeUrl, after);
  console.log("README.md: rewrote the emulator flag table.");
}
