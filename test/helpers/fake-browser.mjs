#!/usr/bin/env node
// A stand-in for a person's browser in e2e tests, started through the product's own browser
// launch (BROWSER=…/fake-browser.mjs, or as x-www-browser on PATH for xdg-open). It loads the page
// and follows redirects, as a browser does when the emulator approves the sign-in by itself, and
// notes the URL it was given and each one it was redirected to, a line each, in $FAKE_BROWSER_LOG
// so a test can tell it was (or was not) used, and where it went. Its requests are navigations, as a browser's are
// (`Sec-Fetch-Mode: navigate`; Node's fetch would say `cors`).
import { appendFileSync } from "node:fs";
import { request } from "node:http";

const url = process.argv[2];
const note = (line) => process.env.FAKE_BROWSER_LOG && appendFileSync(process.env.FAKE_BROWSER_LOG, `${line}\n`);
note(url);
if (!url) process.exit(2);
// A browser that takes its time to start: the sign-in must wait for it, not end first.
const delayMs = Number(process.env.FAKE_BROWSER_DELAY_MS ?? 0);
if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));

function get(address) {
  return new Promise((resolve, reject) => {
    const req = request(address, { headers: { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res));
    });
    req.on("error", reject);
    req.end();
  });
}

let at = url;
let status = 0;
try {
  for (let hops = 0; hops < 20; hops++) {
    const res = await get(at);
    status = res.statusCode ?? 0;
    if (status < 300 || status >= 400 || !res.headers.location) break;
    at = new URL(res.headers.location, at).href;
    note(`→ ${at}`);
  }
} catch {
  status = 0;
}
process.exit(status >= 200 && status < 400 ? 0 : 1);
