import { join } from "node:path";
import { launch } from "./launch.js";

/**
 * bin/sso-cli, built from this file by scripts/build.mjs (a CommonJS file with a shebang): the
 * launcher itself, so that Node reads one file of ours before the entry, not two, on every start
 * of the commands scripts run before each AWS call. It lives in bin/, the entry in dist/cli/.
 */
// eslint-disable-next-line no-restricted-globals -- the program's arguments, handed to the launcher
void launch(process.argv.slice(2), join(__dirname, "..", "dist", "cli"));
