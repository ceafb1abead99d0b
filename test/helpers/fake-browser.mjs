#!/usr/bin/env node
// A stand-in for a person's browser in e2e tests, started through the product's own browser
// launch (BROWSER=…/fake-browser.mjs, or as x-www-browser on PATH for xdg-open). It loads the page
// and follows redirects, as a browser does when the emulator approves the sign-in by itself, and
// notes each URL it was given in $FAKE_BROWSER_LOG so a test can tell it was (or was not) used.
import { appendFileSync } from "node:fs";

const url = process.argv[2];
if (process.env.FAKE_BROWSER_LOG) appendFileSync(process.env.FAKE_BROWSER_LOG, `${url}\n`);
if (!url) process.exit(2);
// A browser that takes its time to start: the sign-in must wait for it, not end first.
const delayMs = Number(process.env.FAKE_BROWSER_DELAY_MS ?? 0);
if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
try {
  const r = await fetch(url, { redirect: "follow" });
  await r.text();
} catch {
  process.exit(1);
}
