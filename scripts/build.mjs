// Bundles the CLI with esbuild. Code splitting keeps start-up small: the entry chunk holds
// commander and our wiring only; the AWS SDK, the emulator and prompts are separate chunks
// loaded by `await import()` inside the commands that need them.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { writeFile, rm } from "node:fs/promises";
import { buildCodeCache } from "./code-cache.mjs";

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
const result = await build({
  entryPoints: { "cli/main": "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  metafile: true,
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
  // `open` finds its bundled xdg-open script next to its own module file: keep it external.
  external: ["open"],
  // Prefer packages' ES module builds (the AWS SDK ships dist-es): named exports survive
  // `await import()` and unused code is dropped.
  mainFields: ["module", "main"],
  // Some AWS SDK internals are CommonJS and call require(); give ESM chunks one.
  banner: { js: 'import { createRequire as __ssoCliCreateRequire } from "node:module"; const require = __ssoCliCreateRequire(import.meta.url);' },
});
await writeFile(new URL("../dist/meta.json", import.meta.url), JSON.stringify(result.metafile));

// `sso-cli --help` and `--version` are commander's own output (80 columns, as for a pipe),
// captured from the bundle above and inlined into the entry below.
const captured = {};
for (const flag of ["--help", "--version"]) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", `import { main, createRealContext } from ${JSON.stringify(new URL("../dist/cli/main.js", import.meta.url).href)}; process.exitCode = await main([${JSON.stringify(flag)}], createRealContext());`], { encoding: "utf8", env: { ...process.env, COLUMNS: "80" } });
  if (r.status !== 0 || !r.stdout) throw new Error(`build: capturing ${flag} failed: ${r.stderr}`);
  captured[flag] = r.stdout;
}

/** One CommonJS file for Node 20 in dist/cli/ (the entry, the launcher). */
const commonJs = (name) => ({ entryPoints: { [`cli/${name}`]: `src/cli/${name}.ts` }, outdir: "dist", outExtension: { ".js": ".cjs" }, bundle: true, format: "cjs", platform: "node", target: "node20", logLevel: "warning" });

// The entry of bin/sso-cli as one CommonJS file (src/cli/entry.ts): --help/--version, the
// no-network `sso-cli login` a script calls before every job, and the hand-over to the ES-module
// bundle above, which it loads only when it has work to do.
const entry = await build({
  ...commonJs("entry"),
  sourcemap: "linked",
  metafile: true,
  mainFields: ["module", "main"],
  define: { SSO_CLI_HELP_TEXT: JSON.stringify(captured["--help"]), SSO_CLI_VERSION_TEXT: JSON.stringify(captured["--version"]) },
  // The main bundle stays a separate ES module next to it, loaded by `import()` when needed; `open`
  // (the browser launcher, with its helpers) is loaded from node_modules only when a browser opens.
  external: ["./main.js", "open"],
});
await writeFile(new URL("../dist/entry-meta.json", import.meta.url), JSON.stringify(entry.metafile));

// What bin/sso-cli requires (src/cli/launch.ts): it compiles the entry with the code cache below.
await build(commonJs("launch"));

// V8's code cache of the entry, from runs of the commands scripts call most (scripts/code-cache.mjs).
// Without one sso-cli works the same, only its start-up is slower: a failure here is a warning.
try {
  await buildCodeCache();
} catch (err) {
  process.stderr.write(`build: warning: no code cache for dist/cli/entry.cjs (${err.message}); sso-cli works, its start-up is slower.\n`);
}
