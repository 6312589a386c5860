// SsehubStream (the browser client's stream, read with fetch) against a real ssehub: resumed
// without loss after the hub drops it, tokens renewed before they expire and after
// auth-expired, reset surfaced. Node's fetch and streams stand in for the browser's.
//
// usage: node --test stream.test.mjs   (SSEHUB_BINARY: the ssehub binary)
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import '../../resources/client/ssehub.js';
import { startHub as spawnHub } from '../browser/hub.mjs';

const { SsehubStream } = globalThis;
const binary = process.env.SSEHUB_BINARY;

const startHub = (args = []) => spawnHub(binary, args);

async function waitFor(what, predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function publish(base, topic, n, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(`${base}/publish`, { method: 'POST', headers, body: JSON.stringify({ topic, payload: { n } }) });
  assert.equal(res.status, 200, `publish ${n}: ${await res.text()}`);
}

const secret = 'a-secret-of-at-least-thirty-two-bytes-for-hs256';

// A hub that takes HS256 tokens signed with `secret`.
function startJwtHub(args = []) {
  const file = join(mkdtempSync(join(tmpdir(), 'ssehub-client-')), 'secret');
  writeFileSync(file, secret);
  return startHub(['--jwt-secret-file', file, ...args]);
}

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
function token(claims) {
  const head = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64(claims);
  return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
}

test('resumes with Last-Event-ID after the hub drops the stream, nothing lost or repeated', { skip: !binary }, async () => {
  const { child, base } = await startHub(['--retry', '200ms']);
  try {
    const got = [];
    const states = [];
    const stream = new SsehubStream(`${base}/events?topic=t`, {
      onEvent: (e) => got.push(e.payload.n), onState: (s) => states.push(s),
    });
    stream.start();
    await waitFor('the stream', async () => (await (await fetch(`${base}/connections`)).json()).connections.length === 1);
    for (let n = 1; n <= 5; ++n) await publish(base, 't', n);
    await waitFor('5 events', () => got.length === 5);
    // The operator drops it; events are published while it is away.
    const [c] = (await (await fetch(`${base}/connections`)).json()).connections;
    assert.equal((await fetch(`${base}/streams/${c.id}`, { method: 'DELETE' })).status, 200);
    for (let n = 6; n <= 10; ++n) await publish(base, 't', n);
    await waitFor('10 events', () => got.length >= 10);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(states.filter((s) => s === 'open').length >= 2, states.join(','));
    stream.stop();
  } finally {
    child.kill('SIGKILL');
  }
});

test('a token about to expire is renewed through getToken(), without loss', { skip: !binary }, async () => {
  const { child, base } = await startJwtHub(['--jwt-leeway', '0s']);
  try {
    let asked = 0;
    const getToken = async () => {
      ++asked;
      return token({ sub: 'reader', subscribe: ['t'], exp: Math.floor(Date.now() / 1000) + 3 });
    };
    const publisher = token({ sub: 'writer', publish: ['t'], exp: Math.floor(Date.now() / 1000) + 600 });
    const got = [];
    let sessions = 0;
    const stream = new SsehubStream(`${base}/events?topic=t`, {
      getToken, refreshBeforeMs: 1000, onEvent: (e) => got.push(e.payload.n),
      onSession: () => ++sessions,
    });
    stream.start();
    await waitFor('the session', () => sessions === 1);
    // Published every 100 ms for 5 s: across at least two renewals.
    for (let n = 1; n <= 50; ++n) {
      await publish(base, 't', n, publisher);
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor('50 events', () => got.length >= 50 || got.at(-1) === 50);
    assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => i + 1));
    assert.ok(asked >= 2 && sessions >= 2, `getToken asked ${asked} times, ${sessions} sessions`);
    stream.stop();
  } finally {
    child.kill('SIGKILL');
  }
});

test('a reset is surfaced with its reason, and a refusal stops the stream', { skip: !binary }, async () => {
  const { child, base } = await startHub(['--history', '5']);
  try {
    for (let n = 1; n <= 20; ++n) await publish(base, 't', n);
    const resets = [];
    const got = [];
    const stream = new SsehubStream(`${base}/events?topic=t`, {
      lastEventId: '1', onReset: (r) => resets.push(r), onEvent: (e) => got.push(e.payload.n),
    });
    stream.start();
    await waitFor('the replay', () => got.length === 5);
    assert.equal(resets.length, 1);
    assert.ok(resets[0].reason, JSON.stringify(resets[0]));
    assert.deepEqual(got, [16, 17, 18, 19, 20]);
    stream.stop();

    const errors = [];
    const states = [];
    const bad = new SsehubStream(`${base}/events?topic=a/%23/b`, {
      onError: (e) => errors.push(e), onState: (s) => states.push(s),
    });
    bad.start();
    await waitFor('the refusal', () => errors.length === 1);
    assert.equal(errors[0].status, 400);
    assert.equal(states.at(-1), 'closed');
  } finally {
    child.kill('SIGKILL');
  }
});

test('the hub serves the client at GET /ssehub.js, as it is in the repository', { skip: !binary }, async () => {
  const { child, base } = await startHub();
  try {
    const res = await fetch(`${base}/ssehub.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const shipped = readFileSync(new URL('../../resources/client/ssehub.js', import.meta.url), 'utf8');
    assert.equal(await res.text(), shipped);
    assert.equal((await fetch(`${base}/ssehub.js`, { method: 'POST' })).status, 405);
  } finally {
    child.kill('SIGKILL');
  }
});

test('SsehubClient: one stream for every subscription of the page, changed while it lives', { skip: !binary }, async () => {
  const { child, base } = await startHub();
  try {
    const { SsehubClient } = globalThis;
    const hub = new SsehubClient(base, { clientId: 'page-1' });
    const errors = [];
    hub.on('error', (e) => errors.push(e));
    const a = [];
    const b = [];
    const all = [];
    const offA = hub.subscribe('room/a', (e) => a.push(e.payload.n));
    hub.subscribe('room/+', (e) => all.push(e.topic + ':' + e.payload.n));
    const streams = async () => (await (await fetch(`${base}/connections`)).json()).connections;
    await waitFor('the stream', async () => (await streams()).length === 1);
    // A filter added while the stream lives goes through POST /subscribe: no second stream.
    hub.subscribe('other/b', (e) => b.push(e.payload.n));
    await waitFor('the subscription', async () => {
      const res = await fetch(`${base}/subscriptions/page-1`);
      const body = await res.json();
      return (body.subscriptions || []).some((s) => s.filter === 'other/b' || s.topic === 'other/b');
    });
    await publish(base, 'room/a', 1);
    await publish(base, 'other/b', 2);
    await publish(base, 'room/c', 3);
    await waitFor('the events', () => a.length === 1 && b.length === 1 && all.length === 2);
    assert.deepEqual(a, [1]);
    assert.deepEqual(b, [2]);
    assert.deepEqual(all, ['room/a:1', 'room/c:3']);
    assert.equal((await streams()).length, 1);
    // The last handler of a filter gone: removed on the hub, its events no longer come.
    offA();
    await waitFor('the removal', async () => {
      const body = await (await fetch(`${base}/subscriptions/page-1`)).json();
      return !(body.subscriptions || []).some((s) => s.filter === 'room/a' || s.topic === 'room/a');
    });
    await publish(base, 'room/a', 4);
    await publish(base, 'other/b', 5);
    await waitFor('event 5', () => b.length === 2);
    assert.deepEqual(a, [1]);
    assert.deepEqual(all, ['room/a:1', 'room/c:3', 'room/a:4']);
    assert.deepEqual(errors, []);
    hub.close();
    await waitFor('the stream to end', async () => (await streams()).length === 0);
  } finally {
    child.kill('SIGKILL');
  }
});

test('SsehubClient: a filter the hub refuses is reported to the page, the others go on', { skip: !binary }, async () => {
  const { child, base } = await startHub();
  try {
    const { SsehubClient } = globalThis;
    const hub = new SsehubClient(base, { clientId: 'page-2' });
    const errors = [];
    hub.on('error', (e) => errors.push(e));
    const got = [];
    hub.subscribe('a/#/b', () => got.push('bad'));
    hub.subscribe('ok', (e) => got.push(e.payload.n));
    await waitFor('the refusal', () => errors.length === 1);
    assert.equal(errors[0].status, 400);
    assert.equal(errors[0].filter, 'a/#/b');
    await waitFor('the stream', async () => (await (await fetch(`${base}/connections`)).json()).connections.length === 1);
    await publish(base, 'ok', 1);
    await waitFor('the event', () => got.length === 1);
    assert.deepEqual(got, [1]);
    const body = await (await fetch(`${base}/subscriptions/page-2`)).json();
    assert.deepEqual(body.subscriptions.map((s) => s.filter), ['ok']);
    hub.close();
  } finally {
    child.kill('SIGKILL');
  }
});

test('SsehubClient: a hub that restarted without its subscriptions gets them again', { skip: !binary }, async () => {
  let { child, base } = await startHub(['--retry', '200ms']);
  const port = new URL(base).port;
  try {
    const { SsehubClient } = globalThis;
    const hub = new SsehubClient(base, { clientId: 'page-3' });
    const got = [];
    const states = [];
    hub.on('state', (s) => states.push(s));
    hub.subscribe('x', (e) => got.push(e.payload.n));
    await waitFor('the stream', async () => (await (await fetch(`${base}/connections`)).json()).connections.length === 1);
    await publish(base, 'x', 1);
    await waitFor('event 1', () => got.length === 1);
    // Stopped and started again on the same port with nothing kept: the client is unknown there.
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    ({ child, base } = await startHub(['--retry', '200ms', '--listen', `127.0.0.1:${port}`]));
    await waitFor('the stream again', async () => (await (await fetch(`${base}/connections`)).json()).connections.length === 1);
    const body = await (await fetch(`${base}/subscriptions/page-3`)).json();
    assert.deepEqual(body.subscriptions.map((s) => s.filter), ['x']);
    await publish(base, 'x', 2);
    await waitFor('event 2', () => got.length === 2);
    assert.deepEqual(got, [1, 2]);
    assert.equal(states.at(-1), 'open');
    hub.close();
  } finally {
    child.kill('SIGKILL');
  }
});

test('a token that expires in 40 days does not make the stream reconnect (setTimeout overflow)', { skip: !binary }, async () => {
  const { child, base } = await startJwtHub();
  try {
    let sessions = 0;
    const far = token({ sub: 'reader', subscribe: ['t'], exp: Math.floor(Date.now() / 1000) + 40 * 86400 });
    const stream = new SsehubStream(`${base}/events?topic=t`, { getToken: () => far, onSession: () => ++sessions });
    stream.start();
    await waitFor('the session', () => sessions === 1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sessions, 1);
    stream.stop();
  } finally {
    child.kill('SIGKILL');
  }
});

test('SsehubClient: getToken failing, then giving none, then a token: connects as its subject, backing off meanwhile', { skip: !binary }, async () => {
  const { child, base } = await startJwtHub();
  try {
    const { SsehubClient } = globalThis;
    let asked = 0;
    const getToken = async () => {
      ++asked;
      if (asked === 1) throw new Error('the login service is down');
      if (asked === 2) return null;
      return token({ sub: 'u1', subscribe: ['t'], exp: Math.floor(Date.now() / 1000) + 600 });
    };
    const hub = new SsehubClient(base, { getToken });
    const errors = [];
    hub.on('error', (e) => errors.push(e));
    const off = hub.subscribe('t', () => {});
    assert.equal(await off.active, true);
    await waitFor('the stream', () => hub.state === 'open', 15000);
    assert.equal(hub.clientId, 'u1');
    assert.ok(asked >= 3 && asked <= 5, `getToken asked ${asked} times`);
    assert.ok(errors.every((e) => !e.filter), errors.map((e) => e.message).join('; '));
    hub.close();
    assert.equal(hub.state, 'closed');
  } finally {
    child.kill('SIGKILL');
  }
});

test('a refreshBeforeMs that is not milliseconds takes its default: no reconnection storm', { skip: !binary }, async () => {
  const { child, base } = await startJwtHub();
  try {
    // A token good for ten minutes and refreshBeforeMs '30s': renewed in about 9.5 minutes, not
    // at once and again on every connection.
    let asked = 0;
    const getToken = async () => {
      ++asked;
      return token({ sub: 'u1', subscribe: ['t'], exp: Math.floor(Date.now() / 1000) + 600 });
    };
    let sessions = 0;
    const stream = new SsehubStream(`${base}/events?topic=t`, { getToken, refreshBeforeMs: '30s', onSession: () => ++sessions });
    stream.start();
    await waitFor('the session', () => sessions >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    stream.stop();
    assert.equal(asked, 1, `getToken asked ${asked} times`);
    assert.equal(sessions, 1, `${sessions} sessions`);
  } finally {
    child.kill('SIGKILL');
  }
});

test('a retry delay that is not milliseconds takes its default: no storm of attempts', { skip: !binary }, async () => {
  // A hub that is gone and maxDelayMs NaN, minDelayMs 'x': the retry waits the default (3 s,
  // at least half of it with jitter), not nothing.
  const { child, base } = await startHub();
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  let attempts = 0;
  const failing = new SsehubStream(`${base}/events?topic=t`, {
    maxDelayMs: NaN, minDelayMs: 'x', fetch: (...args) => { ++attempts; return fetch(...args); },
  });
  failing.start();
  await new Promise((r) => setTimeout(r, 1200));
  failing.stop();
  assert.equal(attempts, 1, `${attempts} connection attempts in 1.2 s`);
});
