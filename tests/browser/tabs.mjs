// The browser client (GET /ssehub.js) in real Chromium: ten tabs of one origin share one stream
// (a SharedWorker's, or a leader tab's), each tab gets exactly the events of its own filters,
// once and in order, also when the leader tab closes mid-publish, when the hub kicks the stream,
// when the token expires, and through a cookie over EventSource; `reset` reaches the page.
//
// usage: node tabs.mjs /path/to/ssehub
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserStreams, check, hub, publish, runScenarios, waitFor } from './common.mjs';
import '../../resources/client/ssehub.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let browser;

const SECRET = 'a-secret-of-at-least-thirty-two-bytes-for-hs256';
const inTen = () => Math.floor(Date.now() / 1000) + 600;

// A hub that takes tokens signed with SECRET; `admin` carries the ACL's admin role.
async function authHub(args = []) {
  const dir = mkdtempSync(join(tmpdir(), 'ssehub-tabs-'));
  writeFileSync(join(dir, 'secret'), SECRET);
  writeFileSync(join(dir, 'acl.json'), JSON.stringify({ anonymous: null, roles: { ops: { admin: true } } }));
  try {
    const { base } = await hub(['--jwt-secret-file', join(dir, 'secret'), '--acl', join(dir, 'acl.json'), ...args]);
    return { base, admin: jwt(SECRET, { sub: 'ops', roles: ['ops'], exp: inTen() }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
function jwt(secret, claims) {
  const head = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64(claims);
  return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
}

// A tab of `context` on the hub's page, with a client subscribed to `filters`; what it receives
// is in window.got ("topic n"), its resets in window.resets, its errors in window.errors.
async function openTab(context, base, filters, options = {}) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  await page.goto(`${base}/`);
  await page.evaluate(({ filters, options }) => {
    window.got = []; window.resets = []; window.errors = []; window.sessions = 0;
    if (options.token === 'mint') {
      options.getToken = () => window.mintToken();
      delete options.token;
    }
    window.client = new SsehubClient(location.origin, options);
    client.on('reset', (r) => window.resets.push(r));
    client.on('error', (e) => window.errors.push(e.message));
    client.on('session', () => ++window.sessions);
    for (const f of filters) client.subscribe(f, (e) => window.got.push(`${e.topic} ${e.payload.n}`));
  }, { filters, options });
  return page;
}

const got = (page) => page.evaluate(() => window.got);

async function subscriptions(base, clientId, token) {
  const res = await fetch(`${base}/subscriptions/${encodeURIComponent(clientId)}`,
                          token ? { headers: { Authorization: 'Bearer ' + token } } : {});
  if (res.status !== 200) return [];
  return (await res.json()).subscriptions.map((s) => s.filter).sort();
}

// Until the hub has every filter of `tabs` for the client (a tab's filter takes effect once it
// is there).
async function subscribed(base, tabs, token) {
  const clientId = await tabs[0].page.evaluate(() => window.client.clientId);
  const want = [...new Set(tabs.flatMap((t) => t.filters))];
  await waitFor('the tabs\' filters on the hub', async () => {
    const have = await subscriptions(base, clientId, token);
    return want.every((f) => have.includes(f));
  });
}

// Every tab has exactly what its filters match of `published` ([topic, n] in order).
async function expectEach(tabs, published, what) {
  const expected = tabs.map((t) => published
    .filter(([topic]) => t.filters.some((f) => SsehubTopicMatches(f, topic)))
    .map(([topic, n]) => `${topic} ${n}`));
  try {
    await waitFor(what, async () => {
      for (let i = 0; i < tabs.length; ++i) {
        if ((await got(tabs[i].page)).length < expected[i].length) return false;
      }
      return true;
    }, 20000);
  } catch (e) { /* the comparison below says what is missing */ }
  await sleep(300); // a repeat would have come by now
  let ok = true;
  for (let i = 0; i < tabs.length; ++i) {
    const have = await got(tabs[i].page);
    if (JSON.stringify(have) !== JSON.stringify(expected[i])) {
      ok = false;
      console.log(`# tab ${tabs[i].name}: expected ${JSON.stringify(expected[i])}\n#   got ${JSON.stringify(have)}`);
    }
  }
  check(ok, what);
}

async function tenTabs(base, share) {
  const context = await browser.newContext();
  const tabs = [];
  for (let i = 0; i < 10; ++i) {
    const filters = [`tab/${i}`];
    if (i % 2 === 0) filters.push('shared/+');
    tabs.push({ name: String(i), filters, page: await openTab(context, base, filters, { share }) });
  }
  await waitFor('every tab open', async () => {
    for (const t of tabs) {
      if (await t.page.evaluate(() => window.client.state) !== 'open') return false;
    }
    return true;
  });
  await subscribed(base, tabs);
  return { context, tabs };
}

async function publishRound(base, tabs, rounds, from, published, pauseMs = 0, during) {
  for (let n = from; n < from + rounds; ++n) {
    for (const t of tabs) {
      const id = await publish(base, `tab/${t.name}`, { n });
      published.push([`tab/${t.name}`, n, id]);
      if (pauseMs) await sleep(pauseMs);
      if (during) await during(published.length);
    }
    published.push(['shared/x', n, await publish(base, 'shared/x', { n })]);
  }
}

// Whether `page`'s tab is next in line for the leader's lock (Web Locks grant in request order).
function nextLeader(page) {
  return page.evaluate(async () => {
    const { held, pending } = await navigator.locks.query();
    const me = held.find((l) => l.name === 'ssehub-tab:' + window.client.tabId);
    const next = pending.find((l) => l.name.startsWith('ssehub-leader:'));
    return Boolean(me && next && next.clientId === me.clientId);
  });
}

async function sharedWorker() {
  const { base } = await hub(['--retry', '1000ms']);
  const { context, tabs } = await tenTabs(base, 'auto');
  const modes = await Promise.all(tabs.map((t) => t.page.evaluate(() => window.client.mode)));
  check(modes.every((m) => m === 'worker'), `every tab shares through the SharedWorker (${modes.join(',')})`);
  await sleep(500);
  const streams = await browserStreams(base);
  check(streams.length === 1, `ten tabs, one stream at the hub (GET /connections: ${streams.length})`);
  const clientId = await tabs[0].page.evaluate(() => window.client.clientId);
  const all = ['shared/+', ...tabs.map((t) => `tab/${t.name}`)].sort();
  check(JSON.stringify(await subscriptions(base, clientId)) === JSON.stringify(all),
        'the tabs\' filters are merged into the client\'s subscriptions on the hub');

  const published = [];
  await publishRound(base, tabs, 5, 1, published);
  await expectEach(tabs, published, 'SharedWorker: every tab gets exactly its own events, once and in order');

  // Odd tabs go: their filters leave the hub; `shared/+` stays while an even tab wants it.
  for (const t of tabs.filter((t) => Number(t.name) % 2 === 1)) await t.page.close();
  const left = tabs.filter((t) => Number(t.name) % 2 === 0);
  const want = ['shared/+', ...left.map((t) => `tab/${t.name}`)].sort();
  const removed = await waitFor('the odd tabs\' filters removed', async () =>
    JSON.stringify(await subscriptions(base, clientId)) === JSON.stringify(want), 10000).catch(() => false);
  check(removed, 'a filter leaves the hub with the last tab that wanted it');

  // The hub kicks the one stream; what is published while it is away arrives once, in order.
  for (const t of left) await t.page.evaluate(() => { window.got = []; });
  const [stream] = await browserStreams(base);
  const kick = await fetch(`${base}/streams/${stream.id}`, { method: 'DELETE' });
  check(kick.status === 200, 'the hub kicked the shared stream');
  const afterKick = [];
  await publishRound(base, left, 3, 100, afterKick);
  await expectEach(left, afterKick, 'kicked: the shared stream resumed without loss or repeat');
  const now = await waitFor('the resumed stream', async () => {
    const s = await browserStreams(base);
    return s.length === 1 && s[0].id !== stream.id ? s : null;
  });
  check(now.length === 1, 'still one stream after the kick');
  await context.close();
}

async function leaderTab() {
  const { base } = await hub(['--retry', '500ms']);
  const { context, tabs } = await tenTabs(base, 'leader');
  const modes = await Promise.all(tabs.map((t) => t.page.evaluate(() => window.client.mode)));
  check(modes.every((m) => m === 'leader'), 'every tab shares through a leader tab');
  await sleep(500);
  check((await browserStreams(base)).length === 1, 'ten tabs, one stream at the hub (leader tab)');
  const leaders = [];
  for (const t of tabs) if (await t.page.evaluate(() => Boolean(window.client.owner))) leaders.push(t);
  check(leaders.length === 1, `exactly one tab leads (${leaders.length})`);
  const leader = leaders[0];
  const clientId = await tabs[0].page.evaluate(() => window.client.clientId);

  // 20 rounds; the leader tab closes after the 60th event. The tab next in line is made to lag
  // 15 events behind the others first (as if the last broadcasts had not reached it yet): it
  // resumes from there, and every other tab must drop what it already had.
  const published = [];
  const before = (await browserStreams(base))[0];
  let lagged = null;
  await publishRound(base, tabs, 20, 1, published, 2, async (count) => {
    if (count !== 60) return;
    await expectEach(tabs, published, 'before the takeover: every tab up to date');
    for (const t of tabs) {
      if (t !== leader && await nextLeader(t.page)) lagged = t;
    }
    if (lagged) {
      const back = published.slice(published.length - 15).map(([topic, n]) => `${topic} ${n}`);
      await lagged.page.evaluate(({ id, back }) => {
        window.client.lastId = id;
        window.got = window.got.filter((e) => !back.includes(e));
      }, { id: published[published.length - 16][2], back });
    }
    await leader.page.close();
  });
  check(Boolean(lagged), 'the next leader was found and made to lag');
  const rest = tabs.filter((t) => t !== leader);
  await expectEach(rest, published, 'leader closed mid-publish: every other tab got its events once, in order');
  const after = await browserStreams(base);
  check(after.length === 1 && after[0].id !== before.id, 'another tab took over with one stream');
  const newLeaders = [];
  for (const t of rest) if (await t.page.evaluate(() => Boolean(window.client.owner))) newLeaders.push(t);
  check(newLeaders.length === 1 && newLeaders[0] === lagged, 'one new leader: the tab that lagged');
  const want = ['shared/+', ...rest.map((t) => `tab/${t.name}`)].sort();
  const removed = await waitFor('the old leader\'s filter removed', async () =>
    JSON.stringify(await subscriptions(base, clientId)) === JSON.stringify(want), 10000).catch(() => false);
  check(removed, 'the closed leader\'s own filter left the hub');
  await context.close();
}

async function tokenExpiry() {
  const { base, admin } = await authHub(['--jwt-leeway', '0s']);
  const secret = SECRET;
  const context = await browser.newContext();
  let minted = 0;
  await context.exposeFunction('mintToken', () => {
    ++minted;
    return jwt(secret, { sub: 'reader', subscribe: ['tok/#'], exp: Math.floor(Date.now() / 1000) + 4 });
  });
  const publisher = jwt(secret, { sub: 'writer', publish: ['tok/#'], exp: inTen() });
  const tabs = [];
  for (let i = 0; i < 2; ++i) {
    const filters = [`tok/${i}`];
    tabs.push({ name: String(i), filters, page: await openTab(context, base, filters, { token: 'mint', refreshBeforeMs: 1500 }) });
  }
  await waitFor('the stream', async () => (await tabs[0].page.evaluate(() => window.client.state)) === 'open');
  await subscribed(base, tabs, admin);
  check(await tabs[0].page.evaluate(() => window.client.clientId) === 'reader', 'the client id is the token\'s subject');
  const published = [];
  for (let n = 1; n <= 30; ++n) {
    for (const t of tabs) {
      published.push([`tok/${t.name}`, n]);
      await publish(base, `tok/${t.name}`, { n }, publisher);
    }
    await sleep(200);
  }
  await expectEach(tabs, published, 'tokens expiring every 4 s: every event once and in order');
  const sessions = await tabs[0].page.evaluate(() => window.sessions);
  check(minted >= 3 && sessions >= 2, `getToken() asked again before exp (${minted} tokens, ${sessions} sessions)`);
  check((await browserStreams(base, admin)).length === 1, 'still one stream');
  await context.close();
}

async function cookieEventSource() {
  const { base, admin } = await authHub(['--retry', '500ms']);
  const secret = SECRET;
  const context = await browser.newContext();
  const cookie = jwt(secret, { sub: 'cookie-user', subscribe: ['c/#'], exp: inTen() });
  await context.addCookies([{ name: 'ssehub_token', value: cookie, url: base }]);
  const publisher = jwt(secret, { sub: 'writer', publish: ['c/#'], exp: inTen() });
  const tabs = [];
  for (let i = 0; i < 3; ++i) {
    const filters = [`c/${i}`];
    tabs.push({ name: String(i), filters, page: await openTab(context, base, filters, { transport: 'eventsource', clientId: 'cookie-user' }) });
  }
  await waitFor('the EventSource stream', async () => (await tabs[0].page.evaluate(() => window.client.state)) === 'open');
  await subscribed(base, tabs, admin);
  const streams = await browserStreams(base, admin);
  check(streams.length === 1 && streams[0].client_id === 'cookie-user', 'EventSource with the cookie: one stream of the cookie\'s client');
  const published = [];
  for (let n = 1; n <= 3; ++n) for (const t of tabs) { published.push([`c/${t.name}`, n]); await publish(base, `c/${t.name}`, { n }, publisher); }
  const kick = await fetch(`${base}/streams/${streams[0].id}`, { method: 'DELETE', headers: { Authorization: 'Bearer ' + admin } });
  check(kick.status === 200, `the hub kicked the EventSource stream (${kick.status})`);
  for (let n = 4; n <= 6; ++n) for (const t of tabs) { published.push([`c/${t.name}`, n]); await publish(base, `c/${t.name}`, { n }, publisher); }
  await expectEach(tabs, published, 'EventSource: every tab got its events once and in order across the kick');
  await context.close();
}

async function resetReachesPage() {
  const { base } = await hub(['--history', '5', '--retry', '1500ms']);
  const context = await browser.newContext();
  const page = await openTab(context, base, ['r']);
  await waitFor('the stream', async () => (await page.evaluate(() => window.client.state)) === 'open');
  for (let n = 1; n <= 3; ++n) await publish(base, 'r', { n });
  await waitFor('3 events', async () => (await got(page)).length === 3);
  const [stream] = await browserStreams(base);
  await fetch(`${base}/streams/${stream.id}`, { method: 'DELETE' });
  for (let n = 4; n <= 23; ++n) await publish(base, 'r', { n }); // more than the 5 retained
  const resets = await waitFor('the reset', async () => {
    const r = await page.evaluate(() => window.resets);
    return r.length > 0 ? r : null;
  });
  check(resets.length === 1 && typeof resets[0].reason === 'string' && resets[0].reason.length > 0,
        `the page got the reset with its reason (${JSON.stringify(resets[0])})`);
  await waitFor('the replay', async () => (await got(page)).length >= 8).catch(() => {});
  const have = await got(page);
  check(JSON.stringify(have) === JSON.stringify(['r 1', 'r 2', 'r 3', 'r 19', 'r 20', 'r 21', 'r 22', 'r 23']),
        `after the reset the retained events follow (${JSON.stringify(have)})`);
  await context.close();
}

await runScenarios([['shared worker', sharedWorker], ['leader tab', leaderTab],
                    ['token expiry', tokenExpiry], ['cookie', cookieEventSource],
                    ['reset', resetReachesPage]],
                   (b) => { browser = b; });
