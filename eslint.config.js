// Lint guards what review forgets: no console in src/ (one stray line breaks credential-process),
// no floating promises, and the import boundaries of docs/ARCHITECTURE.md.
import tseslint from "typescript-eslint";

const restrict = (patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

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
  // Side effects come in through the Context: only real-context.ts reads the process and the clock.
  // A reasoned exception says why in its eslint-disable comment.
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/real-context.ts"],
    rules: {
      "no-restricted-globals": ["error", { name: "process", message: "Read the process through the Context (src/cli/real-context.ts)." }],
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "Use the Context's clock (ctx.now()), not Date.now()." },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Use the Context's clock (ctx.now()), not new Date()." },
      ],
    },
  },
  { files: ["src/emulator/**/*.ts"], rules: restrict([{ group: ["**/sso/*", "**/files/*", "**/use-cases/*", "**/cli/*"], message: "The emulator stands alone: real clients are the referee." }]) },
  { files: ["src/sso/**/*.ts"], rules: restrict([{ group: ["**/files/*", "**/use-cases/*", "**/cli/*", "**/emulator/*"], message: "sso/ and files/ never import each other; the use case joins them." }]) },
  { files: ["src/files/**/*.ts"], rules: restrict([{ group: ["**/sso/*", "**/use-cases/*", "**/cli/*", "**/emulator/*"], message: "sso/ and files/ never import each other; the use case joins them." }]) },
  { files: ["src/use-cases/**/*.ts"], rules: restrict([{ group: ["**/cli/*", "**/emulator/*"], message: "Use cases never import the wiring." }]) },
  { files: ["src/lib/**/*.ts"], rules: restrict([{ group: ["**/sso/*", "**/files/*", "**/use-cases/*", "**/cli/*", "**/emulator/*"], message: "lib/ is the bottom layer." }]) },
);
