// Browser behaviour with real Chromium: the demo page subscribes (through the hub's client,
// GET /ssehub.js), the server drops the stream (admin kick), the page reconnects by itself with
// Last-Event-ID, and every event published while it was away arrives exactly once.
//
// usage: node reconnect.mjs /path/to/ssehub
import { browserStreams, check, fail, finish, launchChromium, publish, startHub, waitFor } from './common.mjs';

const binary = process.argv[2];

const { child, base } = await startHub(binary, ['--retry', '1500ms']);
let browser;
try {
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(`${base}/?topic=demo/%23`);
  await page.waitForFunction(() => document.getElementById('state').textContent === 'open');
  check(true, 'the demo page opened its stream');
  await page.waitForFunction(() => document.getElementById('client-id').textContent.startsWith('web-'));
  check(true, 'the page shows the client id from the session event');

  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await publish(base, `demo/n${i}`, { n: i }));
  await page.waitForFunction(() => window.ssehubReceived.length === 3);
  const shown = await page.locator('#events li').count();
  check(shown === 3, 'the page lists the three events it received');

  const before = await waitFor('the browser stream', async () => (await browserStreams(base))[0]);
  const kick = await fetch(`${base}/connections/${before.id}`, { method: 'DELETE' });
  check(kick.status === 200, 'the server dropped the browser stream');

  // Published while the browser is away (it waits the 1500 ms retry before reconnecting).
  for (let i = 3; i < 7; i++) ids.push(await publish(base, `demo/n${i}`, { n: i }));
  await page.waitForFunction(() => window.ssehubReceived.length >= 7, null, { timeout: 15000 });
  const after = await waitFor('the reconnected stream', async () =>
    (await browserStreams(base)).find((c) => c.id !== before.id));
  check(after && after.id !== before.id, 'the browser reconnected by itself');

  ids.push(await publish(base, 'demo/live', { n: 7 }));
  await page.waitForFunction(() => window.ssehubReceived.length >= 8);
  // Give a duplicate the chance to show up before counting.
  await new Promise((r) => setTimeout(r, 300));
  const received = await page.evaluate(() => window.ssehubReceived.map((e) => e.id));
  check(JSON.stringify(received) === JSON.stringify(ids),
        `every event exactly once, in order (got ${received.length}, expected ${ids.length})`);
  const types = await page.evaluate(() => window.ssehubReceived.map((e) => e.type));
  check(types.every((t) => t === 'message'), 'no reset: the reconnect resumed without a gap');
} catch (error) {
  fail(error);
} finally {
  if (browser) await browser.close();
  child.kill('SIGTERM');
}
finish();
