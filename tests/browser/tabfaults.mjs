// The browser client's shared stream in real Chromium when things go wrong: the tab whose process
// runs the SharedWorker crashes mid-publish, a crash leaves filters on the hub, the worker hangs,
// and scripts of the same origin post garbage to the SharedWorker and forged events on the
// leader's channel.
//
// usage: node tabfaults.mjs /path/to/ssehub
import { browserStreams, check, hub, publish, runScenarios, waitFor } from './common.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let browser;

// A tab whose filters are on the hub within 20 s; else it fails, saying what the client knows.
async function openTab(context, base, filters, options) {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  const active = page.evaluate(async ({ filters, options }) => {
    window.got = []; window.errors = [];
    window.client = new SsehubClient(location.origin, options);
    client.on('error', (e) => window.errors.push(e.message));
    const offs = filters.map((f) => client.subscribe(f, (e) => window.got.push(`${e.topic} ${e.payload.n}`)));
    await Promise.all(offs.map((off) => off.active));
  }, { filters, options });
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, 20000, 'late'); });
  const outcome = await Promise.race([active, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    const said = await page.evaluate(() => ({ mode: client.mode, state: client.state, errors: window.errors }));
    throw new Error(`a tab's filters ${JSON.stringify(filters)} not active in 20 s: ${JSON.stringify(said)}`);
  }
  return page;
}

async function subscriptions(base, clientId) {
  const res = await fetch(`${base}/subscriptions/${encodeURIComponent(clientId)}`);
  return res.status === 200 ? (await res.json()).subscriptions.map((s) => s.filter).sort() : [];
}

// Each page got exactly `expected[i]`.
async function exactly(pages, expected, what) {
  await waitFor(what, async () => {
    for (let i = 0; i < pages.length; ++i) {
      if ((await pages[i].evaluate(() => window.got.length)) < expected[i].length) return false;
    }
    return true;
  }, 20000).catch(() => {});
  await sleep(300);
  let ok = true;
  for (let i = 0; i < pages.length; ++i) {
    const have = await pages[i].evaluate(() => window.got);
    if (JSON.stringify(have) !== JSON.stringify(expected[i])) {
      ok = false;
      console.log(`# page ${i}: expected ${JSON.stringify(expected[i])}\n#   got ${JSON.stringify(have)}`);
    }
  }
  check(ok, what);
}

// The tab's renderer crashes (no pagehide, no goodbye). Its answer never comes: not awaited.
async function crash(context, page) {
  const session = await context.newCDPSession(page);
  session.send('Page.crash').catch(() => {});
}

async function workerHostCrash() {
  const { base } = await hub(['--retry', '500ms']);
  const context = await browser.newContext();
  const pages = [];
  for (let i = 0; i < 4; ++i) pages.push(await openTab(context, base, [`t/${i}`], { clientId: 'crash' }));
  const before = (await browserStreams(base))[0];
  // The first tab's process runs the SharedWorker: it crashes after the 12th event.
  const expected = [[], [], [], []];
  for (let n = 1; n <= 10; ++n) {
    for (let i = 0; i < 4; ++i) {
      await publish(base, `t/${i}`, { n });
      expected[i].push(`t/${i} ${n}`);
      if (n === 3 && i === 3) await crash(context, pages[0]);
    }
    await sleep(50);
  }
  const rest = pages.slice(1);
  await exactly(rest, expected.slice(1), 'worker\'s tab crashed mid-publish: the others got every event once, in order');
  const restarted = await rest[0].evaluate(() => window.client.restarts.length);
  check(restarted >= 1, `the tabs saw the SharedWorker end and started another (${restarted})`);
  const after = await browserStreams(base);
  check(after.length === 1 && after[0].id !== before.id, 'one stream again, the new worker\'s');
  check(await rest[0].evaluate(() => window.client.state) === 'open', 'the tabs say open');
  await context.close();
}

async function crashLeavesNoFilters() {
  const { base } = await hub();
  const context = await browser.newContext();
  const first = await openTab(context, base, ['old/0', 'old/1'], { clientId: 'stale' });
  await crash(context, first); // the only tab, and with it the worker: nothing removes its filters
  await waitFor('the stream to end', async () => (await browserStreams(base)).length === 0);
  check(JSON.stringify(await subscriptions(base, 'stale')) === '["old/0","old/1"]', 'a crash left the filters on the hub');
  const second = await openTab(context, base, ['new/1'], { clientId: 'stale' });
  const cleaned = await waitFor('the old filters removed', async () =>
    JSON.stringify(await subscriptions(base, 'stale')) === '["new/1"]').catch(() => false);
  check(cleaned, 'the next worker removed what this browser had put there and no tab wants');
  await publish(base, 'new/1', { n: 1 });
  await exactly([second], [['new/1 1']], 'and delivers');
  await context.close();
}

// The SharedWorker hangs (a script spinning in it, started through the DevTools protocol): a
// tab that opens then hears nothing from it, and must not wait for ever.
async function hungWorker() {
  const { base } = await hub();
  const context = await browser.newContext();
  await openTab(context, base, ['h/0'], { clientId: 'hung' });
  const cdp = await browser.newBrowserCDPSession();
  const worker = (await cdp.send('Target.getTargets')).targetInfos.find((t) => t.type === 'shared_worker'
                                                                       && t.url.startsWith(base));
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
  await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({
    id: 1, method: 'Runtime.evaluate', params: { expression: 'setTimeout(() => { for (;;) {} }, 0)' } }) });
  const second = await openTab(context, base, ['h/1'], { clientId: 'hung', workerAnswerMs: 1000 });
  const said = await second.evaluate(() => ({ mode: client.mode, restarts: client.restarts.length, errors: window.errors }));
  check(said.mode === 'leader' && said.restarts === 4 && said.errors.some((e) => /keeps ending/.test(e)),
        `a tab the SharedWorker does not answer tries again, then shares through a leader (${JSON.stringify(said)})`);
  await publish(base, 'h/1', { n: 1 });
  await exactly([second], [['h/1 1']], 'and delivers');
  await cdp.detach();
  await context.close();
}

async function garbage() {
  const { base } = await hub();
  for (const share of ['worker', 'leader']) {
    const context = await browser.newContext();
    const pages = [];
    for (let i = 0; i < 3; ++i) pages.push(await openTab(context, base, [`g/${i}`], { clientId: 'g-' + share, share }));
    // Another script of the origin talks to the tabs' worker or channel.
    await pages[0].evaluate(({ share }) => {
      const key = window.client.key;
      const bad = [null, 7, 'x', {}, { key, tab: 'evil' }, { key, tab: 'evil', t: 'hello', filters: [123] },
                   { key, tab: 'evil', t: 'hello', filters: 'a' }, { key, tab: 7, t: 'hello', filters: [] },
                   { key, tab: 'evil', t: 'sub', filter: { a: 1 } }, { key, tab: 'evil', t: 'token', req: 1, token: {} }];
      if (share === 'worker') {
        const port = new SharedWorker(window.client.workerUrl(), { name: key }).port;
        port.start();
        for (const m of bad) port.postMessage(m);
      } else {
        const channel = new BroadcastChannel(key);
        const forged = [{ t: 'event', from: 'evil', event: { id: '99999999999999999999', topic: 'g/0', payload: { n: -1 } } },
                        { t: 'event', event: null }, { t: 'error', error: null }, { t: 'state', state: 'closed' },
                        { t: 'reset', from: 'evil', reset: null }, { t: 'leader' }];
        for (const m of [...bad, ...forged]) channel.postMessage(m);
      }
    }, { share });
    await sleep(300);
    const expected = [[], [], []];
    for (let n = 1; n <= 3; ++n) {
      for (let i = 0; i < 3; ++i) { await publish(base, `g/${i}`, { n }); expected[i].push(`g/${i} ${n}`); }
    }
    await exactly(pages, expected, `${share}: garbage from the origin's scripts changed nothing`);
    await context.close();
  }
}

await runScenarios([['worker host crash', workerHostCrash], ['crash leaves filters', crashLeavesNoFilters],
                    ['hung worker', hungWorker], ['garbage', garbage]],
                   (b) => { browser = b; });
