// Helpers shared by the browser tests: pass/fail bookkeeping, polling, and launching Debian's
// Chromium through playwright-core.
import { chromium } from 'playwright-core';

import { startHub } from './hub.mjs';

export { startHub };

export const results = { passed: 0, failed: 0 };

export function check(condition, what) {
  if (condition) { results.passed++; console.log(`PASS ${what}`); }
  else { results.failed++; console.log(`FAIL ${what}`); }
}

export function fail(error) {
  results.failed++;
  console.log(`FAIL ${error.message}`);
}

export async function waitFor(what, predicate, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.SSEHUB_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // playwright gives the browser a fresh, empty profile of its own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Publishes (as the holder of `token`, when given); resolves to the event's id.
export async function publish(base, topic, payload, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(`${base}/publish`, { method: 'POST', headers, body: JSON.stringify({ topic, payload }) });
  if (res.status !== 200) throw new Error(`publish ${topic} on ${base}: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

export function finish() {
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 ? 0 : 1);
}

const hubs = [];

// An ssehub (the binary named by the test's first argument) that runScenarios stops at the end.
export async function hub(args = []) {
  const h = await startHub(process.argv[2], args);
  hubs.push(h);
  return h;
}

// Runs each [name, scenario] in turn with one Chromium (handed to `use` first); a scenario that
// throws fails and the next one runs. Then stops the browser and the hubs, and exits.
export async function runScenarios(scenarios, use) {
  let browser;
  try {
    browser = await launchChromium();
    use(browser);
    for (const [name, scenario] of scenarios) {
      console.log(`# ${name}`);
      try { await scenario(); } catch (error) { fail(error); }
    }
  } catch (error) {
    fail(error);
  } finally {
    if (browser) await browser.close();
    for (const h of hubs) h.child.kill('SIGTERM');
  }
  finish();
}

// The hub's streams opened by the browser.
export async function browserStreams(base, token) {
  const res = await fetch(`${base}/connections`, token ? { headers: { Authorization: 'Bearer ' + token } } : {});
  return (await res.json()).connections.filter((c) => /Chrom/.test(c.user_agent));
}
