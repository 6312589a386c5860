// The browser client's SSE parser against the WHATWG event stream rules (node's test runner).
import assert from 'node:assert/strict';
import test from 'node:test';
import '../../resources/client/ssehub.js';

const SseParser = globalThis.SsehubSseParser;

// Feeds the chunks (strings or byte arrays) and returns what the parser reported.
function parse(chunks, {end = false} = {}) {
  const events = [];
  const retries = [];
  const comments = [];
  const parser = new SseParser((e) => events.push(e), (ms) => retries.push(ms),
                               (text) => comments.push(text));
  for (const chunk of chunks)
    parser.feed(chunk);
  if (end)
    parser.end();
  return {events, retries, comments, parser};
}

const bytes = (text) => new TextEncoder().encode(text);

test('LF, CRLF and CR all end lines', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const {events} = parse([`data: a${eol}data: b${eol}${eol}id: 7${eol}data: c${eol}${eol}`]);
    assert.deepEqual(events, [
      {type: 'message', data: 'a\nb', lastEventId: ''},
      {type: 'message', data: 'c', lastEventId: '7'},
    ], JSON.stringify(eol));
  }
});

test('a CRLF split between chunks is one line end', () => {
  const {events} = parse(['data: x\r', '\ndata: y\r', '\n\r', '\n']);
  assert.deepEqual(events, [{type: 'message', data: 'x\ny', lastEventId: ''}]);
});

test('a CR at the end of a chunk followed by another line', () => {
  const {events} = parse(['data: x\r', 'data: y\r\r']);
  assert.deepEqual(events, [{type: 'message', data: 'x\ny', lastEventId: ''}]);
});

test('every split of a stream gives the same events', () => {
  const stream = 'retry: 1500\r\n: hi\r\nevent: tick\r\nid: 1\r\ndata: {"n":1}\r\n\r\n'
      + 'data:no space\ndata:  two spaces\n\nid: 2\rdata\r\r';
  const whole = parse([stream]).events;
  assert.equal(whole.length, 3);
  for (let i = 0; i <= stream.length; ++i) {
    for (let j = i; j <= stream.length; j += 7) {
      const {events} = parse([stream.slice(0, i), stream.slice(i, j), stream.slice(j)]);
      assert.deepEqual(events, whole, `split at ${i} and ${j}`);
    }
  }
  assert.deepEqual(whole, [
    {type: 'tick', data: '{"n":1}', lastEventId: '1'},
    {type: 'message', data: 'no space\n two spaces', lastEventId: '1'},
    {type: 'message', data: '', lastEventId: '2'},
  ]);
});

test('UTF-8 split inside a character, across byte chunks', () => {
  const encoded = bytes('data: 温度 °C ✓\n\n');
  for (let i = 0; i <= encoded.length; ++i) {
    const {events} = parse([encoded.slice(0, i), encoded.slice(i)]);
    assert.deepEqual(events, [{type: 'message', data: '温度 °C ✓', lastEventId: ''}], `at ${i}`);
  }
});

test('one leading BOM is dropped, a second one and later ones are kept', () => {
  assert.deepEqual(parse([bytes('\uFEFFdata: a\n\n')]).events,
                   [{type: 'message', data: 'a', lastEventId: ''}]);
  // Split inside the BOM's three bytes.
  const encoded = bytes('\uFEFFdata: a\n\n');
  assert.deepEqual(parse([encoded.slice(0, 1), encoded.slice(1, 2), encoded.slice(2)]).events,
                   [{type: 'message', data: 'a', lastEventId: ''}]);
  // A second BOM makes the first line's field "\uFEFFdata": ignored.
  assert.deepEqual(parse([bytes('\uFEFF\uFEFFdata: a\n\ndata: b\n\n')]).events,
                   [{type: 'message', data: 'b', lastEventId: ''}]);
  assert.deepEqual(parse(['data: \uFEFFx\n\n']).events,
                   [{type: 'message', data: '\uFEFFx', lastEventId: ''}]);
});

test('comments are reported, not dispatched', () => {
  const {events, comments} = parse([': heartbeat\n:\n\ndata: a\n: between\n\n']);
  assert.deepEqual(comments, [' heartbeat', '', ' between']);
  assert.deepEqual(events, [{type: 'message', data: 'a', lastEventId: ''}]);
});

test('a blank line without data dispatches nothing and resets the type', () => {
  const {events} = parse(['event: x\n\ndata: a\n\nevent: y\nid: 3\n\ndata: b\n\n']);
  assert.deepEqual(events, [
    {type: 'message', data: 'a', lastEventId: ''},
    {type: 'message', data: 'b', lastEventId: '3'},
  ]);
});

test('id with NUL is ignored; an empty id clears the last event id', () => {
  const {events} = parse(['id: 5\ndata: a\n\nid: 6\0x\ndata: b\n\nid\ndata: c\n\n']);
  assert.deepEqual(events.map((e) => e.lastEventId), ['5', '5', '']);
});

test('retry counts only ASCII digits', () => {
  const {retries} = parse(['retry: 3000\nretry: 12a\nretry: -1\nretry:\nretry: 0\nretry:  5\n\n']);
  assert.deepEqual(retries, [3000, 0]);
});

test('unknown fields and a field without a colon', () => {
  const {events} = parse(['foo: bar\ndata\ndata\nevent\n\n']);
  assert.deepEqual(events, [{type: 'message', data: '\n', lastEventId: ''}]);
});

test('only one space after the colon is dropped, and colons in the value stay', () => {
  const {events} = parse(['data:  a: b\n\n']);
  assert.deepEqual(events, [{type: 'message', data: ' a: b', lastEventId: ''}]);
});

test('the end of the stream drops an event not yet ended by a blank line', () => {
  const {events, parser} = parse(['id: 9\ndata: complete\n\ndata: partial\n'], {end: true});
  assert.deepEqual(events, [{type: 'message', data: 'complete', lastEventId: '9'}]);
  // The next stream starts afresh but keeps the last event id (as EventSource does).
  const more = [];
  parser.onEvent = (e) => more.push(e);
  parser.feed('data: next\n\n');
  assert.deepEqual(more, [{type: 'message', data: 'next', lastEventId: '9'}]);
});

test('invalid UTF-8 becomes U+FFFD', () => {
  const {events} = parse([new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0x0a, 0x0a])]);
  assert.deepEqual(events, [{type: 'message', data: '\uFFFD', lastEventId: ''}]);
});

test('the hub\'s own frames', () => {
  const frame = 'retry: 3000\n\nevent: session\ndata: {"client_id":"c","topics":["a"]}\n\n'
      + 'id: 1795873519376-0\ndata: {"id":"1795873519376-0","topic":"a","type":"message",'
      + '"payload":{"t":1},"timestamp":1795873519380}\n\n: heartbeat\n\n';
  const {events, retries} = parse([frame]);
  assert.deepEqual(retries, [3000]);
  assert.equal(events.length, 2);
  assert.equal(events[0].type, 'session');
  assert.equal(JSON.parse(events[1].data).payload.t, 1);
  assert.equal(events[1].lastEventId, '1795873519376-0');
});

test('the client loads as an ES module too (strict module code), defining its names', async () => {
  const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const source = readFileSync(new URL('../../resources/client/ssehub.js', import.meta.url), 'utf8');
  const names = ['SsehubSseParser', 'SsehubStream', 'SsehubClient', 'SsehubTopicMatches',
                 'SsehubCompareIds'];
  const saved = names.map((name) => globalThis[name]);
  for (const name of names)
    delete globalThis[name];
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'ssehub-module-')), 'ssehub.mjs');
    writeFileSync(file, source);
    await import(file);
    for (const name of names)
      assert.equal(typeof globalThis[name], 'function', name);
  } finally {
    names.forEach((name, i) => { globalThis[name] = saved[i]; });
  }
});
