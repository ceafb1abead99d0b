// Lint guards what review forgets: no console in src/ (one stray line breaks credential-process),
// no floating promises, and the import boundaries of docs/ARCHITECTURE.md.
import tseslint from "typescript-eslint";

const restrict = (patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

/** The folders above sso/ and files/. */
const ABOVE_SSO = ["**/cli/*", "**/commands/*/*", "**/sign-in/*", "**/role-keys/*", "**/targets/*", "**/network/*"];
/** cli/'s start-up files: only cli/ imports them. */
const START_UP = [
  "**/cli/entry.js",
  "**/cli/launch.js",
  "**/cli/main.js",
  "**/cli/program.js",
  "**/cli/real-context.js",
  "**/cli/hot-*.js",
  "**/cli/exit-guard.entry.js",
  "**/cli/system-home.entry.js",
  "**/cli/open-browser.entry.js",
];
const SHARED_STEPS = ["src/sign-in/**/*.ts", "src/role-keys/**/*.ts", "src/targets/**/*.ts", "src/network/**/*.ts"];
const SHARED_STEP_RULE = {
  group: ["**/commands/*/*", "**/cli/*", "**/emulator/*"],
  message: "Shared steps serve commands: they import neither a command, the wiring nor the emulator.",
};
const NO_EMULATOR_RULE = { group: ["**/emulator/*"], message: "Only the emulator command loads the emulator." };
const START_UP_RULE = {
  group: START_UP,
  message: "Commands use the argument framework of cli/ (flag-table, program-grammar, shared-flags), not start-up.",
};
const ENTRY_FILES = [
  "src/**/*.entry.ts",
  "src/cli/entry.ts",
  "src/cli/launch.ts",
  "src/cli/hot-login.ts",
  "src/cli/hot-credentials.ts",
  "src/cli/hot-remembered.ts",
  "src/cli/real-context.ts",
];
const ENTRY_RULES = [
  {
    group: ["commander", "@aws-sdk/*", "@smithy/*", "@inquirer/*", "zod", "zod/*"],
    allowTypeImports: true,
    message: "The entry loads at every start: commander, the AWS SDK, prompts and zod stay behind a command.",
  },
  { group: ["**/emulator/*", "**/sso/*"], allowTypeImports: true, message: "The entry never talks to the service or runs the emulator." },
  {
    group: [
      "./*",
      ...ABOVE_SSO,
      "!**/*.entry.js",
      "!**/cli/real-context.js",
      "!./real-context.js",
      "!./hot-*.js",
      "!../**/files/*",
      "!../**/lib/*",
    ],
    allowTypeImports: true,
    message: "An entry file imports only entry files (*.entry.ts), files/, lib/, context.ts and errors.ts.",
  },
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "bench/results/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  { files: ["src/**/*.ts"], rules: { "no-console": "error" } },
  // Side effects come in through the Context: only real-context.ts reads the process and the clock,
  // with the launcher and the entry's part of the Context (start-context.entry.ts) before it exists.
  // A reasoned exception says why in its eslint-disable comment.
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/real-context.ts", "src/cli/start-context.entry.ts", "src/cli/launch.ts"],
    rules: {
      "no-restricted-globals": ["error", { name: "process", message: "Read the process through the Context (src/cli/real-context.ts)." }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "Use the Context's clock (ctx.now()), not Date.now().",
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "Use the Context's clock (ctx.now()), not new Date().",
        },
      ],
    },
  },
  // The layers of docs/ARCHITECTURE.md §2. cli/ (start-up and the argument framework) and commands/
  // sit on top; sign-in/, role-keys/, targets/ and network/ are the steps commands share; sso/ and
  // files/ below them; lib/ at the bottom.
  {
    files: ["src/emulator/**/*.ts"],
    rules: restrict([
      { group: [...ABOVE_SSO, "**/sso/*", "**/files/*"], message: "The emulator stands alone: real clients are the referee." },
    ]),
  },
  {
    files: ["src/sso/**/*.ts"],
    rules: restrict([
      {
        group: [...ABOVE_SSO, "**/files/*", "**/emulator/*"],
        message: "sso/ and files/ never import each other; the step or command above joins them.",
      },
    ]),
  },
  {
    files: ["src/files/**/*.ts"],
    rules: restrict([
      {
        group: [...ABOVE_SSO, "**/sso/*", "**/emulator/*"],
        message: "sso/ and files/ never import each other; the step or command above joins them.",
      },
    ]),
  },
  {
    files: ["src/lib/**/*.ts"],
    rules: restrict([{ group: [...ABOVE_SSO, "**/sso/*", "**/files/*", "**/emulator/*"], message: "lib/ is the bottom layer." }]),
  },
  { files: SHARED_STEPS, rules: restrict([SHARED_STEP_RULE]) },
  { files: ["src/commands/**/*.ts"], ignores: ["src/commands/emulator/**"], rules: restrict([NO_EMULATOR_RULE, START_UP_RULE]) },
  { files: ["src/commands/emulator/**/*.ts"], rules: restrict([START_UP_RULE]) },
  // What the CommonJS entry (dist/cli/entry.cjs) may hold: files named *.entry.ts, and the start-up
  // files that predate the suffix. They load before a command is known, at every start, so they
  // keep to files/, lib/, context.ts, errors.ts and other entry files. A type import is free: it
  // leaves nothing in the bundle. A later block replaces a rule's options, so an entry file of a
  // shared step or a command keeps its folder's rules too.
  { files: ENTRY_FILES, rules: restrict(ENTRY_RULES) },
  { files: SHARED_STEPS.map((glob) => glob.replace(/\.ts$/, ".entry.ts")), rules: restrict([...ENTRY_RULES, SHARED_STEP_RULE]) },
  { files: ["src/commands/**/*.entry.ts"], rules: restrict([...ENTRY_RULES, START_UP_RULE]) },
);
