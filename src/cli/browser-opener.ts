// The `open` package (the platform's browser launcher), bundled as its own module,
// dist/cli/browser-opener.js: the entry and the main bundle both load it from there, only when a
// sign-in opens a browser. Its `xdg-open` script is copied beside the output that holds it
// (scripts/build.mjs), where `open` looks for it.
export { default } from "open";
