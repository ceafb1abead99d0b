// Bundles the CLI with esbuild into dist/, which is what the package ships: every dependency is
// bundled (they are devDependencies), and dist/ holds no source maps or build metadata. Code
// splitting keeps start-up small: the entry chunk holds our wiring only; commander, the AWS SDK,
// the emulator and prompts are separate chunks loaded by `await import()` inside the commands that
// need them. What the bundle test reads about the build goes to .build/ (not shipped).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

const root = new URL("../", import.meta.url);
await rm(new URL("dist", root), { recursive: true, force: true });
await mkdir(new URL(".build", root), { recursive: true });
const result = await build({
  entryPoints: { "cli/main": "src/cli/main.ts", "cli/browser-opener": "src/cli/browser-opener.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  metafile: true,
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
  // Prefer packages' ES module builds (the AWS SDK ships dist-es): named exports survive
  // `await import()` and unused code is dropped.
  mainFields: ["module", "main"],
  // Some AWS SDK internals are CommonJS and call require(); give ESM chunks one.
  banner: {
    js: 'import { createRequire as __ssoCliCreateRequire } from "node:module"; const require = __ssoCliCreateRequire(import.meta.url);',
  },
});
await writeFile(new URL(".build/meta.json", root), JSON.stringify(result.metafile));

// `open` runs the `xdg-open` script it ships from the folder of its own module file: copy it
// beside the output that holds `open` (without it, `open` uses the system's xdg-open).
const openOutput = Object.entries(result.metafile.outputs).find(([, o]) =>
  Object.keys(o.inputs).some((i) => /node_modules\/open\/index\.js$/.test(i)),
)?.[0];
if (!openOutput) throw new Error("build: the `open` package is in no output");
const xdgOpen = new URL(`${dirname(openOutput)}/xdg-open`, root);
await copyFile(new URL("node_modules/open/xdg-open", root), xdgOpen);
await chmod(xdgOpen, 0o755);

// `sso-cli --help` and `--version` are commander's own output (80 columns, as for a pipe),
// captured from the bundle above and inlined into the entry below.
const captured = {};
for (const flag of ["--help", "--version"]) {
  const r = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { main, createRealContext } from ${JSON.stringify(new URL("dist/cli/main.js", root).href)}; process.exitCode = await main([${JSON.stringify(flag)}], createRealContext((s) => import(new URL(s, ${JSON.stringify(new URL("dist/cli/", root).href)}).href)));`,
    ],
    { encoding: "utf8", env: { ...process.env, COLUMNS: "80" } },
  );
  if (r.status !== 0 || !r.stdout) throw new Error(`build: capturing ${flag} failed: ${r.stderr}`);
  captured[flag] = r.stdout;
}

/** One CommonJS file for Node 20 in dist/cli/ (the entry, the launcher). */
const commonJs = (name) => ({
  entryPoints: { [`cli/${name}`]: `src/cli/${name}.ts` },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});

// The entry as one CommonJS file (src/cli/entry.ts): --help/--version, the commands scripts call
// before every job, answered from the files when they can be, and the hand-over to the ES-module
// bundle above, which it loads only when it has work to do. Beside it, a copy that holds only the
// answers remembered from the files, for the launcher to run for login, credential-process and export.
const ENTRIES = { entry: "all", "entry-remembered": "remembered" };
const builds = {};
for (const [name, routes] of Object.entries(ENTRIES)) {
  const entry = await build({
    ...commonJs("entry"),
    entryPoints: { [`cli/${name}`]: "src/cli/entry.ts" },
    metafile: true,
    mainFields: ["module", "main"],
    define: {
      // esbuild leaves a dead `if (false) …` in place: the copies get empty texts.
      SSO_CLI_HELP_TEXT: JSON.stringify(routes === "all" ? captured["--help"] : ""),
      SSO_CLI_VERSION_TEXT: JSON.stringify(routes === "all" ? captured["--version"] : ""),
      SSO_CLI_ENTRY_ROUTES: JSON.stringify(routes),
    },
    external: ["./main.js", "./browser-opener.js"],
  });
  if (name === "entry") await writeFile(new URL(".build/entry-meta.json", root), JSON.stringify(entry.metafile));
  // The launcher compiles the entry with a V8 code cache, and code compiled from a cache cannot
  // call import() on Node 20: the entry loads ES modules through the launcher's importModule.
  const code = await readFile(new URL(`dist/cli/${name}.cjs`, root), "utf8");
  if (/\bimport\s*\(/.test(code))
    throw new Error(`build: dist/cli/${name}.cjs calls import(); load ES modules through importModule (src/cli/launch.ts)`);
  // A code cache's name carries its entry's hash: a cache made by one build is never read by another.
  builds[`${name}.cjs`] = createHash("sha256").update(code).digest("hex").slice(0, 16);
}

// bin/sso-cli itself is the launcher (src/cli/bin.ts, launch.ts): one file of ours for Node to
// find and read before the entry. It runs the entry for the command line with its code cache.
// CommonJS (bin/package.json says so), as Node loads a file without an extension.
const bin = new URL("bin/sso-cli", root);
await build({
  entryPoints: ["src/cli/bin.ts"],
  outfile: "bin/sso-cli",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  banner: { js: "#!/usr/bin/env node" },
  define: { SSO_CLI_ENTRY_BUILDS: JSON.stringify(builds) },
});
await chmod(bin, 0o755);
