// ssehub's browser client (issue 22, in progress): no build step, no dependencies. Valid as a
// classic script and as an ES module; either way it defines its names on globalThis.
//
// So far:
// - SsehubSseParser: the Server-Sent Events parser the client reads its fetch() stream with,
//   following the WHATWG HTML "event stream interpretation" rules that EventSource follows;
// - SsehubStream: one stream read with fetch() (credentials in an Authorization header),
//   resumed with Last-Event-ID after every drop, with `retry:` and jittered backoff, repeats
//   dropped by id, `reset` and the hub's other notices surfaced;
// - SsehubClient: subscriptions of one page over one stream of a named client (the stream
//   follows subscribe()/unsubscribe() through POST /subscribe and DELETE /unsubscribe). Sharing
//   one stream among tabs (SharedWorker, or a leader tab) is not built yet.
(function (root) {
  'use strict';

  const LF = 0x0a;
  const CR = 0x0d;

  // Parses an event stream fed in chunks (Uint8Array as fetch() delivers them, or strings).
  //   onEvent({type, data, lastEventId}) for every event dispatched;
  //   onRetry(ms) for a valid `retry:` field; onComment(text) for a comment line.
  // Rules (WHATWG HTML, 9.2.6):
  // - UTF-8, decoded across chunk boundaries; one leading U+FEFF of the stream is dropped.
  // - Lines end with CRLF, LF or CR; a CR at the end of a chunk waits for the next one, so that
  //   a CRLF split between chunks is one line end.
  // - A blank line dispatches the event: nothing if no data field was seen; the data is the
  //   data fields joined by LF; the type is the last `event:` ("message" when none). The last
  //   event id persists between events and is set by `id:` unless its value contains NUL.
  // - `field: value` drops one space after the colon; a line without a colon is a field with an
  //   empty value; unknown fields are ignored; `retry:` counts only when it is ASCII digits.
  // - What follows the last blank line when the stream ends is not dispatched.
  class SseParser {
    constructor(onEvent, onRetry, onComment) {
      this.onEvent = onEvent;
      this.onRetry = onRetry || (() => {});
      this.onComment = onComment || (() => {});
      this.decoder = new TextDecoder('utf-8', {ignoreBOM: true});
      this.started = false; // the BOM check is done
      this.pending = ''; // text of a line not ended yet
      this.afterCR = false; // the last chunk ended with CR: a leading LF belongs to it
      this.data = '';
      this.hasData = false;
      this.type = '';
      this.lastEventId = '';
    }

    // The id the stream's last dispatched event carried (what EventSource sends back).
    get id() {
      return this.lastEventId;
    }

    feed(chunk) {
      let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, {stream: true});
      if (!this.started && text.length > 0) {
        this.started = true;
        if (text.charCodeAt(0) === 0xfeff)
          text = text.slice(1);
      }
      let start = 0;
      for (let i = 0; i < text.length; ++i) {
        const c = text.charCodeAt(i);
        if (c !== LF && c !== CR)
          continue;
        if (c === LF && this.afterCR && i === 0 && this.pending === '') {
          // The LF of a CRLF whose CR ended the previous chunk.
          this.afterCR = false;
          start = 1;
          continue;
        }
        this.afterCR = false;
        this.line(this.pending + text.slice(start, i));
        this.pending = '';
        if (c === CR) {
          if (i + 1 < text.length) {
            if (text.charCodeAt(i + 1) === LF)
              ++i;
          } else {
            this.afterCR = true;
          }
        }
        start = i + 1;
      }
      if (start < text.length) {
        this.afterCR = false;
        this.pending += text.slice(start);
      }
    }

    // The stream ended: a partial line or event is dropped, and the next stream starts afresh
    // (the last event id stays, as EventSource keeps it across reconnections).
    end() {
      this.decoder = new TextDecoder('utf-8', {ignoreBOM: true});
      this.started = false;
      this.pending = '';
      this.afterCR = false;
      this.data = '';
      this.hasData = false;
      this.type = '';
    }

    line(line) {
      if (line === '') {
        this.dispatch();
        return;
      }
      if (line.charCodeAt(0) === 0x3a) { // ':'
        this.onComment(line.slice(1));
        return;
      }
      const colon = line.indexOf(':');
      let field = line;
      let value = '';
      if (colon >= 0) {
        field = line.slice(0, colon);
        value = line.slice(colon + 1);
        if (value.charCodeAt(0) === 0x20)
          value = value.slice(1);
      }
      switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data += value + '\n';
        this.hasData = true;
        break;
      case 'id':
        if (value.indexOf('\0') < 0)
          this.lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value))
          this.onRetry(parseInt(value, 10));
        break;
      default:
        break;
      }
    }

    dispatch() {
      const hasData = this.hasData;
      const data = this.data;
      const type = this.type;
      this.data = '';
      this.hasData = false;
      this.type = '';
      if (!hasData)
        return;
      this.onEvent({
        type: type === '' ? 'message' : type,
        data: data.slice(0, -1),
        lastEventId: this.lastEventId,
      });
    }
  }

  // Event ids as the hub writes them: decimal (embedded) or "<ms>-<n>" (cluster mode), ordered
  // like the events. -1, 0 or 1.
  function compareIds(a, b) {
    const split = (id) => {
      const dash = id.indexOf('-');
      return dash < 0 ? [BigInt(id), -1n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
    };
    try {
      const [a1, a2] = split(a);
      const [b1, b2] = split(b);
      if (a1 !== b1)
        return a1 < b1 ? -1 : 1;
      return a2 === b2 ? 0 : (a2 < b2 ? -1 : 1);
    } catch (e) {
      return a === b ? 0 : (a < b ? -1 : 1);
    }
  }

  // The `exp` of a JWT (seconds since the epoch), or 0 when it has none or is not one.
  function tokenExpiry(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const claims = JSON.parse(atob(part + '='.repeat((4 - part.length % 4) % 4)));
      return typeof claims.exp === 'number' ? claims.exp : 0;
    } catch (e) {
      return 0;
    }
  }

  // One stream of the hub read with fetch():
  //   new SsehubStream(url, {getToken, onEvent, onReset, onState, onError, onSession,
  //                          lastEventId, fetch, minDelayMs, maxDelayMs, refreshBeforeMs})
  // - getToken() (may return a promise) gives the bearer token; it is asked again before the
  //   token's `exp` (refreshBeforeMs ahead), after `auth-expired` and after a 401. Without it
  //   the request carries no Authorization header (a cookie, or an open hub).
  // - After any end of the stream it reconnects with Last-Event-ID: at once after the hub's
  //   own `disconnect`/`shutdown` notices, else after the `retry:` delay (default 3 s), doubled
  //   on every failure in a row up to maxDelayMs, with up to 50% jitter.
  // - onEvent(event) gets each event once: {id, topic, type, payload, timestamp} from the
  //   envelope; an id not after the last one delivered is dropped (a repeat after a resume).
  // - onReset({reason, oldest, resumeId}) when the hub says events are gone; onSession(info) for
  //   the session event; onState('connecting' | 'open' | 'waiting' | 'closed'); onError(error)
  //   for refusals (4xx other than 401: the stream stops) and network failures.
  class SsehubStream {
    constructor(url, options = {}) {
      this.url = url;
      this.options = options;
      this.fetch = options.fetch || root.fetch.bind(root);
      this.lastEventId = options.lastEventId || '';
      this.retryMs = 3000;
      this.failures = 0;
      this.stopped = true;
      this.controller = null;
      this.timer = null;
      this.refreshTimer = null;
      this.token = null;
    }

    start() {
      if (!this.stopped)
        return;
      this.stopped = false;
      this.connect(false);
    }

    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
      clearTimeout(this.refreshTimer);
      if (this.controller)
        this.controller.abort();
      this.state('closed');
    }

    state(name) {
      if (this.options.onState)
        this.options.onState(name);
    }

    error(error) {
      if (this.options.onError)
        this.options.onError(error);
    }

    async credentials(fresh) {
      if (!this.options.getToken)
        return null;
      if (fresh || this.token === null)
        this.token = await this.options.getToken();
      return this.token;
    }

    // A new token before the current one expires: the stream is resumed on it.
    scheduleRefresh(token) {
      clearTimeout(this.refreshTimer);
      const exp = token ? tokenExpiry(token) : 0;
      if (!exp)
        return;
      const before = this.options.refreshBeforeMs ?? 30000;
      const inMs = Math.max(0, exp * 1000 - before - Date.now());
      this.refreshTimer = setTimeout(() => this.reconnectNow(true), inMs);
    }

    reconnectNow(freshToken) {
      if (this.stopped)
        return;
      clearTimeout(this.timer);
      this.freshToken = this.freshToken || freshToken;
      if (this.controller)
        this.controller.abort(); // the read loop ends and connects again at once
      else
        this.connect(freshToken);
    }

    later(immediately) {
      if (this.stopped)
        return;
      let delay = 0;
      if (!immediately) {
        const max = this.options.maxDelayMs ?? 30000;
        const base = Math.min(max, Math.max(this.options.minDelayMs ?? 0, this.retryMs)
            * 2 ** Math.min(this.failures, 10));
        delay = base * (0.5 + Math.random() / 2);
      }
      this.state('waiting');
      this.timer = setTimeout(() => this.connect(this.freshToken), delay);
    }

    async connect(freshToken) {
      if (this.stopped)
        return;
      this.freshToken = false;
      this.state('connecting');
      const controller = new AbortController();
      this.controller = controller;
      let immediately = false;
      try {
        const token = await this.credentials(freshToken);
        const headers = {'Accept': 'text/event-stream'};
        if (token)
          headers['Authorization'] = 'Bearer ' + token;
        if (this.lastEventId)
          headers['Last-Event-ID'] = this.lastEventId;
        const response = await this.fetch(this.url, {headers, signal: controller.signal,
                                                     cache: 'no-store'});
        if (response.status === 401 && this.options.getToken) {
          ++this.failures;
          this.freshToken = true;
          this.error(new Error('the hub refused the token (401); asking for a new one'));
          await response.body?.cancel();
        } else if (!response.ok) {
          let text = '';
          try { text = (await response.json()).error || ''; } catch (e) { /* not JSON */ }
          const error = new Error(`the hub answered ${response.status}` + (text ? ': ' + text : ''));
          error.status = response.status;
          this.error(error);
          if (response.status >= 400 && response.status < 500 && response.status !== 429) {
            this.stop(); // asking again would get the same answer
            return;
          }
          ++this.failures;
        } else {
          this.scheduleRefresh(token);
          immediately = await this.read(response.body, controller);
        }
      } catch (error) {
        if (!controller.signal.aborted) {
          ++this.failures;
          this.error(error);
        } else {
          immediately = true; // stopped, or a new token: at once
        }
      }
      if (this.controller === controller)
        this.controller = null;
      this.later(immediately);
    }

    // Reads until the stream ends; true when it should be opened again at once.
    async read(body, controller) {
      let again = false;
      const parser = new SseParser((event) => {
        again = this.dispatch(event, controller) || again;
      }, (ms) => { this.retryMs = ms; });
      const reader = body.getReader();
      this.state('open');
      for (;;) {
        const {done, value} = await reader.read();
        if (done)
          break;
        parser.feed(value);
      }
      return again;
    }

    // One parsed event; true when the stream should be opened again at once.
    dispatch(event, controller) {
      const options = this.options;
      switch (event.type) {
      case 'message':
        break;
      case 'session':
        this.failures = 0;
        if (options.onSession)
          options.onSession(JSON.parse(event.data));
        return false;
      case 'reset': {
        const info = JSON.parse(event.data);
        info.resumeId = event.lastEventId;
        if (event.lastEventId)
          this.lastEventId = event.lastEventId;
        if (options.onReset)
          options.onReset(info);
        return false;
      }
      case 'auth-expired':
        this.freshToken = true;
        controller.abort();
        return true;
      case 'disconnect':
      case 'shutdown':
        return true;
      default:
        break;
      }
      const id = event.lastEventId;
      if (id && this.lastEventId && compareIds(id, this.lastEventId) <= 0)
        return false; // had it (a repeat after a resume or a takeover)
      if (id)
        this.lastEventId = id;
      let envelope;
      try {
        envelope = JSON.parse(event.data);
      } catch (e) {
        envelope = {id, type: event.type, payload: event.data};
      }
      if (options.onEvent)
        options.onEvent(envelope);
      return false;
    }
  }

  // Whether a topic matches a filter ('+' one level, '#' the rest, also none: "a/#" matches
  // "a"); topics starting with '$' only match filters that name their first level.
  function topicMatches(filter, topic) {
    const f = filter.split('/');
    const t = topic.split('/');
    if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#'))
      return false;
    for (let i = 0; i < f.length; ++i) {
      if (f[i] === '#')
        return i === f.length - 1;
      if (i >= t.length)
        return false;
      if (f[i] !== '+' && f[i] !== t[i])
        return false;
    }
    return f.length === t.length;
  }

  // The client a page uses:
  //   const hub = new SsehubClient(baseUrl, {token | getToken, clientId, fetch});
  //   const off = hub.subscribe('sensor/+/data', (event) => ...); ... off();
  //   hub.on('reset' | 'state' | 'error', handler); hub.close();
  // One stream of the named client clientId (default: a random one, kept in sessionStorage
  // when there is one) carries every subscription; a filter is added to the client on the hub
  // when its first handler comes and removed when its last goes.
  class SsehubClient {
    constructor(baseUrl, options = {}) {
      this.base = baseUrl.replace(/\/+$/, '');
      this.options = options;
      this.fetch = options.fetch || root.fetch.bind(root);
      this.clientId = options.clientId || SsehubClient.sessionClientId();
      this.handlers = new Map(); // filter -> Set of handlers
      this.listeners = {reset: new Set(), state: new Set(), error: new Set()};
      this.stream = null;
      this.changes = Promise.resolve(); // subscription changes, one after the other
      if (options.getToken)
        this.getToken = options.getToken;
      else if (options.token)
        this.getToken = () => options.token;
    }

    static sessionClientId() {
      const make = () => 'web-' + Math.random().toString(36).slice(2, 12);
      try {
        const store = root.sessionStorage;
        if (!store)
          return make();
        let id = store.getItem('ssehub.clientId');
        if (!id) {
          id = make();
          store.setItem('ssehub.clientId', id);
        }
        return id;
      } catch (e) {
        return make();
      }
    }

    on(name, handler) {
      this.listeners[name].add(handler);
      return () => this.listeners[name].delete(handler);
    }

    emit(name, value) {
      for (const handler of this.listeners[name])
        handler(value);
    }

    subscribe(filter, handler) {
      let set = this.handlers.get(filter);
      const first = !set;
      if (first) {
        set = new Set();
        this.handlers.set(filter, set);
      }
      set.add(handler);
      if (first)
        this.changed(filter, true);
      return () => {
        const now = this.handlers.get(filter);
        if (!now || !now.delete(handler) || now.size > 0)
          return;
        this.handlers.delete(filter);
        this.changed(filter, false);
      };
    }

    close() {
      const filters = [...this.handlers.keys()];
      this.handlers.clear();
      if (this.stream)
        this.stream.stop();
      this.stream = null;
      if (filters.length > 0)
        this.request('DELETE', '/unsubscribe', filters).catch(() => {});
    }

    async headers() {
      const headers = {'Content-Type': 'application/json'};
      const token = this.getToken ? await this.getToken() : null;
      if (token)
        headers['Authorization'] = 'Bearer ' + token;
      return headers;
    }

    async request(method, path, topics) {
      const response = await this.fetch(this.base + path, {
        method, headers: await this.headers(),
        body: JSON.stringify({client_id: this.clientId, topics}),
      });
      if (!response.ok) {
        let text = '';
        try { text = (await response.json()).error || ''; } catch (e) { /* not JSON */ }
        const error = new Error(`${method} ${path} answered ${response.status}: ${text}`);
        error.status = response.status;
        throw error;
      }
    }

    // The first filter opens the stream (it carries the filters); later ones change the live
    // stream's client on the hub; the last one gone closes it.
    changed(filter, added) {
      this.changes = this.changes.then(async () => {
        if (!this.stream) {
          if (this.handlers.size > 0)
            this.open();
          return;
        }
        if (this.handlers.size === 0) {
          this.stream.stop();
          this.stream = null;
          await this.request('DELETE', '/unsubscribe', [filter]);
          return;
        }
        await this.request(added ? 'POST' : 'DELETE', added ? '/subscribe' : '/unsubscribe',
                           [filter]);
      }).catch((error) => this.emit('error', error));
    }

    streamUrl() {
      const query = ['client_id=' + encodeURIComponent(this.clientId)];
      for (const filter of this.handlers.keys())
        query.push('topic=' + encodeURIComponent(filter));
      return this.base + '/events?' + query.join('&');
    }

    open() {
      const stream = new SsehubStream(this.streamUrl(), {
        fetch: this.fetch,
        getToken: this.getToken,
        lastEventId: this.stream ? this.stream.lastEventId : '',
        onEvent: (event) => this.deliver(event),
        onReset: (info) => this.emit('reset', info),
        onState: (state) => this.emit('state', state),
        onError: (error) => this.emit('error', error),
      });
      // Every reconnection names the filters the page has now.
      const connect = stream.connect.bind(stream);
      stream.connect = (fresh) => {
        stream.url = this.streamUrl();
        return connect(fresh);
      };
      this.stream = stream;
      stream.start();
    }

    deliver(event) {
      for (const [filter, set] of this.handlers) {
        if (!topicMatches(filter, event.topic))
          continue;
        for (const handler of set)
          handler(event);
      }
    }
  }

  root.SsehubSseParser = SseParser;
  root.SsehubClient = SsehubClient;
  root.SsehubTopicMatches = topicMatches;
  root.SsehubStream = SsehubStream;
  root.SsehubCompareIds = compareIds;
})(globalThis);
