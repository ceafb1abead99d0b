#!/usr/bin/env node
// A person at a real browser, for the browser tests: sso-cli starts this through its own browser
// launch (BROWSER=…/chromium-launcher.mjs). It opens the page it is given in Debian's Chromium
// (headless, driven by playwright-core), chooses as $CHROMIUM_DECISION says (approve or deny) on
// the emulator's sign-in page (or, with "none", only looks: the console), waits for the page the
// sign-in ends on, and records what it saw (and a screenshot) in $CHROMIUM_LAUNCHER_LOG, since
// sso-cli gives it no terminal. What it is given is sso-cli's one-time local address, which
// redirects to the real page; it records the page it was redirected to as well.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const url = process.argv[2];
const decision = ["deny", "none"].includes(process.env.CHROMIUM_DECISION) ? process.env.CHROMIUM_DECISION : "approve";
const log = process.env.CHROMIUM_LAUNCHER_LOG;
const record = async (entry) => {
  if (log) await writeFile(log, JSON.stringify(entry));
};

// The machine's network is closed: without these flags Chromium keeps trying to reach Google.
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const profile = await mkdtemp(join(tmpdir(), "sso-cli-chromium-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  const title = await page.title();
  const landedOn = page.url();
  // The same address again, as a reload or another tab would: it must answer nothing now.
  const again = await fetch(url).then(
    (r) => r.status,
    () => 0,
  );
  // The device page says "Approve"; the authorization page "Allow access". Both have "Deny".
  if (decision !== "none") {
    const button =
      decision === "deny" ? page.getByRole("button", { name: "Deny" }) : page.getByRole("button", { name: /^(Approve|Allow access)$/ });
    await Promise.all([page.waitForNavigation({ timeout: 20_000 }), button.click()]);
  }
  // The authorization code flow lands on sso-cli's own page, which answers once the sign-in is done.
  await page.waitForLoadState("load");
  const heading = await page.locator("h1").first().textContent();
  const text = await page.locator("body").innerText();
  const screenshot = log ? `${log}.png` : undefined;
  if (screenshot) await page.screenshot({ path: screenshot });
  await record({ ok: true, url, landedOn, again, firstTitle: title, finalUrl: page.url(), heading, text, decision, screenshot });
} catch (err) {
  await record({ ok: false, url, error: String(err?.stack ?? err) });
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  await rm(profile, { recursive: true, force: true });
}
