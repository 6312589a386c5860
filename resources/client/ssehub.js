// ssehub's browser client: no build step, no dependencies. Valid as a classic script, as an ES
// module and as the script of the SharedWorker it starts; it defines its names on globalThis.
//
// - SsehubClient: what a page uses. Every tab of an origin that names the same hub (and client
//   id) shares one stream: a SharedWorker owns it where the browser has them, else one tab is
//   elected leader with Web Locks and shares the events over a BroadcastChannel, and another
//   tab takes over when it goes. The tabs' filters are merged into the named client's
//   subscriptions on the hub (POST /subscribe, DELETE /unsubscribe).
// - SsehubStream: one stream read with fetch() (credentials in an Authorization header),
//   resumed with Last-Event-ID after every drop, with `retry:` and jittered backoff, repeats
//   dropped by id, `reset` and the hub's other notices surfaced. SsehubEventSourceStream is the
//   same over EventSource, for pages whose credentials are a cookie.
// - SsehubSseParser: the WHATWG "event stream interpretation" rules EventSource follows.
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

  const MAX_TIMER_MS = 2147483647; // setTimeout's longest delay

  // A page's duration option: milliseconds, a finite number >= 0 (at most setTimeout's longest),
  // else the default. '30s' or NaN would make every timer built on it fire at once.
  function duration(value, fallback) {
    return typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS ? value : fallback;
  }

  // The `sub` of a JWT (the client id the hub gives its bearer), or '' when there is none.
  function tokenSubject(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const claims = JSON.parse(atob(part + '='.repeat((4 - part.length % 4) % 4)));
      return typeof claims.sub === 'string' ? claims.sub : '';
    } catch (e) {
      return '';
    }
  }

  function randomId(prefix) {
    const bytes = new Uint8Array(8);
    root.crypto.getRandomValues(bytes);
    return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // One stream of the hub read with fetch():
  //   new SsehubStream(url, {getToken, prepare, onEvent, onReset, onState, onError, onSession,
  //                          lastEventId, fetch, minDelayMs, maxDelayMs, refreshBeforeMs})
  // - url is a string, or a function asked before every connection.
  // - getToken(fresh) (may return a promise) gives the bearer token; it is asked again (fresh
  //   true) before the token's `exp` (refreshBeforeMs ahead), after `auth-expired` and after a
  //   401. Without it the request carries no Authorization header (a cookie, or an open hub).
  // - prepare() (may return a promise) runs before every connection; when it fails, the
  //   connection waits as after a failure.
  // - After any end of the stream it reconnects with Last-Event-ID after the `retry:` delay
  //   (default 3 s), doubled on every failure in a row up to maxDelayMs, with up to 50% jitter;
  //   at once after `auth-expired` or a new token.
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
      if (this.stopped)
        return;
      this.stopped = true;
      clearTimeout(this.timer);
      clearTimeout(this.refreshTimer);
      if (this.controller)
        this.controller.abort();
      this.state('closed');
    }

    currentUrl() {
      return typeof this.url === 'function' ? this.url() : this.url;
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
        this.token = await this.options.getToken(Boolean(fresh));
      return this.token;
    }

    // A new token before the current one expires: the stream is resumed on it.
    scheduleRefresh(token) {
      clearTimeout(this.refreshTimer);
      const exp = token ? tokenExpiry(token) : 0;
      if (!exp)
        return;
      // refreshBeforeMs ahead of `exp`, or half way for a token that lives less than twice that;
      // never sooner than a second (a token that expired already gets its 401).
      const left = exp * 1000 - Date.now();
      const before = Math.min(duration(this.options.refreshBeforeMs, 30000), left / 2);
      const inMs = Math.max(1000, left - before);
      if (inMs > MAX_TIMER_MS) // setTimeout fires at once beyond this: wait in steps
        this.refreshTimer = setTimeout(() => this.scheduleRefresh(token), MAX_TIMER_MS);
      else
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
        const max = duration(this.options.maxDelayMs, 30000);
        const base = Math.min(max, Math.max(duration(this.options.minDelayMs, 0), this.retryMs)
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
        if (this.options.prepare)
          await this.options.prepare();
        const token = await this.credentials(freshToken);
        const headers = {'Accept': 'text/event-stream'};
        if (token)
          headers['Authorization'] = 'Bearer ' + token;
        if (this.lastEventId)
          headers['Last-Event-ID'] = this.lastEventId;
        if (controller.signal.aborted)
          throw new Error('aborted');
        const response = await this.fetch(this.currentUrl(), {headers, signal: controller.signal,
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
            if (this.controller === controller)
              this.controller = null;
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
        if (controller)
          controller.abort();
        return true;
      case 'disconnect':
      case 'shutdown':
        return false; // the stream ends: resumed after the retry time, as EventSource does
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

  // The same stream over EventSource, for pages whose credentials are a cookie (EventSource
  // sends cookies, and no headers of the page's choosing). The browser reconnects it with
  // Last-Event-ID by itself; when it gives up (the hub refused, or was away too long), it is
  // opened anew after the jittered backoff, with the cursor in `lastEventId`. getToken and
  // refreshBeforeMs do not apply: the page keeps its cookie fresh.
  class EventSourceStream extends SsehubStream {
    stop() {
      if (this.source) {
        this.source.close();
        this.source = null;
      }
      super.stop();
    }

    reconnectNow() {}

    async connect() {
      if (this.stopped)
        return;
      this.state('connecting');
      try {
        if (this.options.prepare)
          await this.options.prepare();
      } catch (error) {
        ++this.failures;
        this.error(error);
        this.later(false);
        return;
      }
      if (this.stopped)
        return;
      let url = this.currentUrl();
      if (this.lastEventId)
        url += (url.includes('?') ? '&' : '?') + 'lastEventId=' + encodeURIComponent(this.lastEventId);
      const source = new root.EventSource(url, {withCredentials: true});
      this.source = source;
      const handle = (e) => {
        if (source !== this.source)
          return;
        if (e.type === 'auth-expired') {
          const error = new Error('the hub says the credentials expired: the page must renew its cookie');
          error.code = 'auth-expired';
          this.error(error);
        }
        this.dispatch({type: e.type, data: e.data, lastEventId: e.lastEventId}, null);
      };
      source.onopen = () => this.state('open');
      source.onmessage = handle;
      for (const type of ['session', 'reset', 'auth-expired', 'disconnect', 'shutdown'])
        source.addEventListener(type, handle);
      source.onerror = () => {
        if (source !== this.source)
          return;
        if (source.readyState !== 2) { // CLOSED: EventSource gave up
          this.state('connecting');
          return;
        }
        source.close();
        this.source = null;
        ++this.failures;
        this.error(new Error('the event stream was refused or failed (EventSource does not say why)'));
        this.later(false);
      };
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

  const CHUNK = 64; // filters per request, the hub's own bound
  const MAX_FILTERS = 1024; // per tab, as the hub holds per client
  const MAX_FILTER_LENGTH = 4096;
  const TOKEN_WAIT_MS = 10000; // a tab that does not answer for a token this long is passed over
  const SETTLE_MS = 400; // a new owner removes nothing until the tabs have said what they want
  const RETRY_MS = 2000; // the first wait after a failed change; doubled up to MAX_RETRY_MS
  const MAX_RETRY_MS = 60000;

  // What a tab may say it wants: a list of filter strings, or nothing (a message of another
  // script of the origin that is not ours).
  function filterList(value) {
    if (!Array.isArray(value) || value.length > MAX_FILTERS)
      return null;
    for (const f of value) {
      if (typeof f !== 'string' || f === '' || f.length > MAX_FILTER_LENGTH)
        return null;
    }
    return value;
  }

  function isFilter(value) {
    return typeof value === 'string' && value !== '' && value.length <= MAX_FILTER_LENGTH;
  }

  // The one stream of a named client that every tab sharing it reads through, and the union of
  // the tabs' filters: a filter is on the hub while at least one tab wants it.
  //   new Owner(base, {clientId, transport, fetch, refreshBeforeMs, send, broadcast})
  // Tabs talk to it with receive(tabId, message): hello {filters, defaultId, hasToken, lastId,
  // owned}, sub/unsub {filter}, bye, token {req, token | failed}. It answers with
  // send(tabId, message): event, reset, state, session, error, active {filter}, owned {list},
  // getToken {req, fresh}. With broadcast(message) set, events go out once to every tab (each
  // keeps what its filters match), else to each tab one of whose filters matches.
  // - Before every connection the tabs' filters are put on the hub (POST /subscribe, which also
  //   checks each one), and the stream names only the client: a filter the hub refuses is
  //   reported to the tabs that want it, without stopping the stream of the others.
  // - The filters put on the hub are sent to the tabs (`owned`), which keep them and bring them
  //   to the next owner: what no tab wants any more is removed then, also after a crash.
  // - A new owner that tabs tell where they were (`lastId`: a takeover, a restarted worker)
  //   waits SETTLE_MS for them all and resumes from the oldest cursor; tabs drop the repeats.
  class Owner {
    constructor(base, options) {
      this.base = base;
      this.options = options;
      this.fetch = options.fetch || root.fetch.bind(root);
      this.clientId = options.clientId || '';
      this.tabs = new Map(); // tab id -> {filters: Set, defaultId, hasToken}
      this.onHub = new Set(); // filters this browser put on the hub (or is putting)
      this.refused = new Set();
      this.stream = null;
      this.state = 'closed';
      this.session = null;
      this.lastEventId = '';
      this.resuming = false; // a tab said where it was: wait for the others before opening
      this.queue = Promise.resolve();
      this.token = null;
      this.tokenKnown = false;
      this.asks = new Map(); // request number -> answer
      this.nextAsk = 1;
      this.settled = false;
      this.settleTimer = setTimeout(() => { this.settled = true; this.sync(); }, SETTLE_MS);
      this.retryTimer = null;
      this.failures = 0;
      this.opened = false; // a stream was opened: tabs' cursors no longer matter
      this.confirmed = new Set(); // filters the hub answered for
      this.closed = false;
    }

    receive(tabId, message) {
      if (this.closed || typeof tabId !== 'string' || !message || typeof message !== 'object')
        return;
      const tab = this.tabs.get(tabId);
      switch (message.t) {
      case 'hello': {
        const filters = filterList(message.filters);
        if (!filters)
          return;
        this.tabs.set(tabId, {filters: new Set(filters), hasToken: Boolean(message.hasToken),
                              defaultId: typeof message.defaultId === 'string' ? message.defaultId : ''});
        if (message.hasToken && !this.token)
          this.tokenKnown = false; // the first tab that has one: ask it
        for (const filter of filters)
          this.refused.delete(filter);
        for (const filter of filterList(message.owned) || [])
          this.onHub.add(filter);
        if (typeof message.lastId === 'string' && message.lastId && !this.stream && !this.opened) {
          this.resuming = true;
          if (!this.lastEventId || compareIds(message.lastId, this.lastEventId) < 0)
            this.lastEventId = message.lastId;
        }
        this.options.send(tabId, {t: 'state', state: this.state});
        if (this.session)
          this.options.send(tabId, {t: 'session', session: this.session});
        for (const filter of filters) {
          if (this.confirmed.has(filter))
            this.options.send(tabId, {t: 'active', filter});
        }
        break;
      }
      case 'sub':
        if (!tab || !isFilter(message.filter) || tab.filters.size >= MAX_FILTERS)
          return;
        tab.filters.add(message.filter);
        this.refused.delete(message.filter);
        if (this.confirmed.has(message.filter))
          this.options.send(tabId, {t: 'active', filter: message.filter});
        break;
      case 'unsub':
        if (!tab || !isFilter(message.filter))
          return;
        tab.filters.delete(message.filter);
        break;
      case 'bye':
        this.tabs.delete(tabId);
        break;
      case 'token': {
        const answer = this.asks.get(message.req);
        if (answer)
          answer(message.failed || typeof message.token !== 'string' || message.token === ''
                 ? undefined : message.token);
        return;
      }
      default:
        return;
      }
      this.sync();
    }

    wanted() {
      const all = new Set();
      for (const tab of this.tabs.values()) {
        for (const filter of tab.filters) {
          if (!this.refused.has(filter))
            all.add(filter);
        }
      }
      return all;
    }

    toAll(message) {
      if (this.options.broadcast)
        this.options.broadcast(message);
      else
        for (const tabId of this.tabs.keys())
          this.options.send(tabId, message);
    }

    toWanting(filter, message) {
      for (const [tabId, tab] of this.tabs) {
        if (tab.filters.has(filter))
          this.options.send(tabId, message);
      }
    }

    // Changes run one after the other, in the order they were asked for.
    enqueue(job) {
      const run = this.queue.then(job);
      this.queue = run.catch(() => {});
      return run;
    }

    sync() {
      this.enqueue(() => this.apply(false)).then(() => { this.failures = 0; },
                                                 (error) => this.failed(error));
    }

    // A change that failed is tried again, later and later while it keeps failing.
    failed(error) {
      if (this.closed)
        return;
      this.toAll({t: 'error', error: {message: error.message, status: error.status}});
      if (!this.stream)
        this.setState('waiting');
      clearTimeout(this.retryTimer);
      const delay = Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** Math.min(this.failures++, 10));
      this.retryTimer = setTimeout(() => this.sync(), delay * (0.5 + Math.random() / 2));
    }

    setState(state) {
      this.state = state;
      this.toAll({t: 'state', state});
    }

    // Brings the hub to what the tabs want. everything: put every wanted filter on the hub,
    // not only those it is not known to have (before a connection: the hub may have lost them).
    async apply(everything) {
      if (this.closed)
        return;
      const wanted = this.wanted();
      if (wanted.size === 0 && this.stream)
        this.stopStream();
      const add = [...wanted].filter((f) => everything || !this.onHub.has(f));
      const drop = this.settled ? [...this.onHub].filter((f) => !wanted.has(f)) : [];
      if (add.length > 0 || drop.length > 0)
        await this.resolveClient();
      if (add.length > 0)
        await this.add(add);
      if (drop.length > 0)
        await this.remove(drop);
      if (!this.stream && this.wanted().size > 0 && (this.settled || !this.resuming))
        this.open();
    }

    async resolveClient() {
      if (this.clientId)
        return;
      const token = await this.credentials(false);
      const wantsToken = [...this.tabs.values()].some((tab) => tab.hasToken);
      if (!token && wantsToken)
        throw new Error('no token yet: getToken() gave none (asked again later)');
      let id = token ? tokenSubject(token) : '';
      if (!id) {
        for (const tab of this.tabs.values()) {
          id = tab.defaultId;
          break;
        }
      }
      this.clientId = id || randomId('web-');
    }

    saveOwned() {
      this.toAll({t: 'owned', list: [...this.onHub]});
    }

    async add(filters) {
      for (let i = 0; i < filters.length; i += CHUNK) {
        const chunk = filters.slice(i, i + CHUNK);
        // Kept as on the hub before it is: after a crash mid-request, the next owner removes
        // it if no tab wants it.
        const fresh = chunk.filter((f) => !this.onHub.has(f));
        for (const filter of fresh)
          this.onHub.add(filter);
        if (fresh.length > 0)
          this.saveOwned();
        const answer = await this.request('POST', '/subscribe', chunk);
        if (answer.ok) {
          for (const filter of chunk) {
            if (!this.confirmed.has(filter)) {
              this.confirmed.add(filter);
              this.toWanting(filter, {t: 'active', filter});
            }
          }
          continue;
        }
        for (const filter of fresh)
          this.onHub.delete(filter);
        if (chunk.length > 1 && (answer.status === 400 || answer.status === 403)) {
          for (const filter of chunk)
            await this.add([filter]); // which one?
        } else if (answer.status === 400
                   || (answer.status === 403 && answer.error.message.includes(`'${chunk[0]}'`))) {
          this.refuse(chunk[0], answer); // a 403 that does not name it is about the client
        } else {
          throw answer.error;
        }
      }
    }

    async remove(filters) {
      for (let i = 0; i < filters.length; i += CHUNK) {
        const chunk = filters.slice(i, i + CHUNK);
        const answer = await this.request('DELETE', '/unsubscribe', chunk);
        if (!answer.ok && answer.status !== 404)
          throw answer.error;
        for (const filter of chunk) {
          this.onHub.delete(filter);
          this.confirmed.delete(filter);
        }
        this.saveOwned();
        this.retryRefused(); // room for one the hub's cap refused
      }
    }

    refuse(filter, answer) {
      this.refused.add(filter);
      this.toWanting(filter, {t: 'error', error: {message: answer.error.message,
                                                  status: answer.status, filter}});
    }

    // Refused filters are asked for again when that might now work: room on the hub, a new token.
    retryRefused() {
      if (this.refused.size === 0)
        return;
      this.refused.clear();
      this.sync();
    }

    async request(method, path, topics, retried) {
      const headers = {'Content-Type': 'application/json'};
      const token = await this.credentials(retried);
      if (token)
        headers['Authorization'] = 'Bearer ' + token;
      const response = await this.fetch(this.base + path, {
        method, headers, credentials: 'same-origin',
        // A tab's last changes, sent as it closes, still go out.
        keepalive: typeof root.document !== 'undefined',
        body: JSON.stringify({client_id: this.clientId, topics}),
      });
      if (response.status === 401 && !retried)
        return this.request(method, path, topics, true);
      if (response.ok)
        return {ok: true, status: response.status};
      let text = '';
      try { text = (await response.json()).error || ''; } catch (e) { /* not JSON */ }
      const error = new Error(`${method} ${path} answered ${response.status}` + (text ? ': ' + text : ''));
      error.status = response.status;
      return {ok: false, status: response.status, error};
    }

    // The token: the one known, or (fresh, or none had yet) one from a tab, the newest first;
    // a tab that does not answer in time is passed over (its late answer still counts).
    async credentials(fresh) {
      if (this.tokenKnown && !fresh)
        return this.token;
      const asking = [...this.tabs].filter(([, tab]) => tab.hasToken).map(([tabId]) => tabId);
      if (asking.length === 0) {
        this.token = null;
        this.tokenKnown = true;
        return null;
      }
      for (const tabId of asking.reverse()) {
        const token = await this.ask(tabId, fresh);
        if (token !== undefined) {
          this.took(token);
          return token;
        }
      }
      return this.tokenKnown ? this.token : null;
    }

    took(token) {
      const changed = token !== this.token;
      this.token = token;
      this.tokenKnown = true;
      if (changed)
        this.retryRefused(); // its grants may differ
    }

    ask(tabId, fresh) {
      return new Promise((resolve) => {
        const req = this.nextAsk++;
        let waiting = true;
        const timer = setTimeout(() => { waiting = false; resolve(undefined); }, TOKEN_WAIT_MS);
        this.asks.set(req, (token) => {
          this.asks.delete(req);
          clearTimeout(timer);
          if (waiting)
            resolve(token);
          else if (token !== undefined)
            this.took(token); // late, but the next attempt has it
        });
        // Unanswered asks of tabs gone are dropped: at most 64 wait.
        if (this.asks.size > 64)
          this.asks.delete(this.asks.keys().next().value);
        this.options.send(tabId, {t: 'getToken', req, fresh: Boolean(fresh)});
      });
    }

    open() {
      this.opened = true;
      const Stream = this.options.transport === 'eventsource' ? EventSourceStream : SsehubStream;
      const stream = new Stream(() => this.base + '/events?client_id=' + encodeURIComponent(this.clientId), {
        fetch: this.fetch,
        lastEventId: this.lastEventId,
        refreshBeforeMs: this.options.refreshBeforeMs,
        getToken: (fresh) => this.credentials(fresh),
        prepare: () => this.enqueue(() => this.apply(true)),
        onEvent: (event) => this.deliver(event),
        onReset: (reset) => {
          if (reset.resumeId)
            this.lastEventId = reset.resumeId;
          this.toAll({t: 'reset', reset});
        },
        onSession: (session) => {
          this.session = session;
          this.toAll({t: 'session', session});
        },
        onState: (state) => {
          if (stream !== this.stream)
            return;
          this.setState(state);
          if (state === 'closed' && !this.closed) {
            // Refused (a 4xx): tried again later, when what the tabs want may be allowed.
            this.stream = null;
            this.failed(new Error('the hub refused the stream; trying again later'));
          }
        },
        onError: (error) => this.toAll({t: 'error', error: {message: error.message, status: error.status,
                                                            code: error.code}}),
      });
      this.stream = stream;
      stream.start();
    }

    deliver(event) {
      if (!event || typeof event !== 'object' || typeof event.topic !== 'string')
        return; // not an envelope (a payload-format stream, or a foreign frame)
      if (event.id)
        this.lastEventId = event.id;
      if (this.options.broadcast) {
        this.options.broadcast({t: 'event', event});
        return;
      }
      for (const [tabId, tab] of this.tabs) {
        for (const filter of tab.filters) {
          if (topicMatches(filter, event.topic)) {
            this.options.send(tabId, {t: 'event', event});
            break;
          }
        }
      }
    }

    // The stream ends (nobody wants anything, or its tab leaves): not a refusal.
    stopStream() {
      const stream = this.stream;
      this.stream = null;
      if (stream) {
        stream.stop();
        this.setState('closed');
      }
    }

    close() {
      this.closed = true;
      clearTimeout(this.settleTimer);
      clearTimeout(this.retryTimer);
      const stream = this.stream;
      this.stream = null;
      if (stream)
        stream.stop();
      for (const answer of [...this.asks.values()])
        answer(undefined);
    }
  }

  // The SharedWorker side: one owner per hub and client (a worker's name is that key, so there
  // is one here), each tab a port. A tab that goes without saying so (crashed, killed) is seen
  // going when the worker is granted the Web Lock the tab held; the worker holds one of its own
  // for its life, so that tabs see it go (its tab's process crashed) and start another.
  function serveTabs(scope) {
    const owners = new Map(); // key -> {owner, ports}
    const locks = scope.navigator && scope.navigator.locks;
    scope.addEventListener('connect', (connection) => {
      const port = connection.ports[0];
      port.onmessage = (e) => {
        const message = e.data;
        if (!message || typeof message !== 'object' || typeof message.key !== 'string'
            || typeof message.tab !== 'string')
          return;
        let entry = owners.get(message.key);
        if (!entry) {
          if (message.t !== 'hello' || typeof message.base !== 'string')
            return;
          const ports = new Map();
          const owner = new Owner(message.base, {
            clientId: typeof message.clientId === 'string' ? message.clientId : '',
            transport: message.transport === 'eventsource' ? 'eventsource' : 'fetch',
            refreshBeforeMs: typeof message.refreshBeforeMs === 'number' ? message.refreshBeforeMs : undefined,
            send: (tabId, m) => { const p = ports.get(tabId); if (p) p.postMessage(m); },
          });
          entry = {owner, ports, alive: ''};
          owners.set(message.key, entry);
          if (locks) {
            const name = 'ssehub-worker:' + message.key;
            locks.request(name, () => {
              entry.alive = name;
              for (const p of ports.values())
                p.postMessage({t: 'alive', lock: name});
              return new Promise(() => {}); // held until the worker ends
            });
          }
        }
        if (message.t === 'hello') {
          entry.ports.set(message.tab, port);
          if (entry.alive)
            port.postMessage({t: 'alive', lock: entry.alive});
          if (locks && typeof message.lock === 'string' && message.lock) {
            locks.request(message.lock, () => {
              entry.owner.receive(message.tab, {t: 'bye'});
              entry.ports.delete(message.tab);
            });
          }
        }
        entry.owner.receive(message.tab, message);
        if (message.t === 'bye')
          entry.ports.delete(message.tab);
      };
      port.start();
    });
  }

  function storage(name) {
    try {
      return root[name] || null;
    } catch (e) {
      return null; // denied (sandboxed frame, disabled storage)
    }
  }

  // The filters this browser put on the hub for a client, as the owner last said (a list in
  // localStorage): the next owner removes those no tab wants any more.
  function ownedList(key) {
    const store = storage('localStorage');
    const name = 'ssehub.owned:' + key;
    return {
      load() {
        try { return filterList(JSON.parse(store.getItem(name) || '[]')) || []; } catch (e) { return []; }
      },
      save(list) {
        try { store.setItem(name, JSON.stringify(list)); } catch (e) { /* full or denied */ }
      },
    };
  }

  // The client id a browser uses with a hub when the page names none and its token has no
  // `sub`: one per browser and hub, kept in localStorage (perTab: one per tab, in
  // sessionStorage), else one per page.
  function defaultClientId(base, perTab) {
    const name = 'ssehub.clientId:' + base;
    for (const kind of perTab ? ['sessionStorage'] : ['localStorage', 'sessionStorage']) {
      const store = storage(kind);
      try {
        let id = store && store.getItem(name);
        if (store && !id) {
          id = randomId('web-');
          store.setItem(name, id);
        }
        if (id)
          return id;
      } catch (e) { /* denied: the next one */ }
    }
    return randomId('web-');
  }

  // A message to the other tabs; nothing when the channel closed (the page is going).
  function post(channel, message) {
    try {
      channel.postMessage(message);
    } catch (e) { /* closed */ }
  }

  function report(error) {
    if (typeof root.reportError === 'function')
      root.reportError(error);
    else
      setTimeout(() => { throw error; });
  }

  const STATES = ['connecting', 'open', 'waiting', 'closed'];
  const EVENTS = ['reset', 'state', 'error', 'session', 'subscribed'];
  const WORKER_RESTARTS = 3; // a SharedWorker that ends this often in a minute is given up
  const WORKER_ANSWER_MS = 10000; // a SharedWorker silent this long after a tab's hello has ended

  // What a page uses:
  //   const hub = new SsehubClient(baseUrl, {token | getToken, clientId, share, transport,
  //                                          workerUrl, workerAnswerMs, refreshBeforeMs, fetch});
  //   const off = hub.subscribe('sensor/+/data', (event) => ...); await off.active; ... off();
  //   hub.on('reset' | 'state' | 'error' | 'session' | 'subscribed', handler); hub.close();
  // Tabs of one origin with the same hub, client id and transport share one stream:
  // - share 'auto' (default): a SharedWorker running this script (workerUrl, by default the
  //   hub's /ssehub.js when the hub is the page's origin), else a leader tab (Web Locks and
  //   BroadcastChannel), else a stream of this tab's own; 'worker', 'leader' and 'none' choose.
  //   `mode` says which, and changes when a SharedWorker cannot start (to a leader tab).
  // - transport 'fetch' (default): credentials in an Authorization header; 'eventsource': the
  //   stream is an EventSource that sends the page's cookies.
  // Each tab gets the events its own filters match, once and in order (by id, also across a
  // change of owner); the filters of every tab are on the hub while one tab wants them.
  // Scripts of the origin can read and send what the tabs share: the origin is the boundary.
  class SsehubClient {
    constructor(baseUrl, options = {}) {
      const url = new URL(baseUrl || '/', root.location ? root.location.href : undefined);
      this.base = (url.origin + url.pathname).replace(/\/+$/, '');
      this.options = options;
      this.tabId = randomId('tab-');
      this.handlers = new Map(); // filter -> Set of handlers
      this.waiting = new Map(); // filter -> resolves of `active` promises
      this.active = new Set(); // filters the hub has
      this.listeners = {};
      for (const name of EVENTS)
        this.listeners[name] = new Set();
      this.lastId = ''; // the last event id this tab saw: repeats are dropped
      this.state = 'closed';
      this.session = null;
      this.closed = false;
      this.link = null;
      this.leaderId = '';
      this.restarts = [];
      if (options.getToken)
        this.getToken = options.getToken;
      else if (options.token)
        this.getToken = () => options.token;
      this.key = ['ssehub', this.base, options.clientId || '', options.transport || 'fetch'].join('|');
      this.mode = this.chooseMode();
      this.owned = this.mode === 'none' ? null : ownedList(this.key);
      if (typeof root.addEventListener === 'function' && root.document) {
        root.addEventListener('pagehide', () => this.detach());
        root.addEventListener('pageshow', (e) => { if (e.persisted && !this.closed) this.attach(); });
      }
      this.attach();
    }

    // The named client of the stream (known once the hub has said so, unless the page named it).
    get clientId() {
      return this.session ? this.session.client_id : (this.options.clientId || '');
    }

    workerUrl() {
      if (this.options.workerUrl)
        return this.options.workerUrl;
      const script = this.base + '/ssehub.js';
      return root.location && new URL(script).origin === root.location.origin ? script : '';
    }

    chooseMode() {
      const share = this.options.share || 'auto';
      const any = share === 'auto';
      if ((any || share === 'worker') && typeof root.SharedWorker === 'function' && this.workerUrl())
        return 'worker';
      if ((any || share === 'leader') && root.navigator && root.navigator.locks
          && typeof root.BroadcastChannel === 'function')
        return 'leader';
      return 'none';
    }

    on(name, handler) {
      if (!this.listeners[name] || typeof handler !== 'function')
        throw new TypeError(`on(name, handler): name is one of ${EVENTS.join(', ')}`);
      this.listeners[name].add(handler);
      return () => this.listeners[name].delete(handler);
    }

    emit(name, value) {
      for (const handler of [...this.listeners[name]]) {
        try { handler(value); } catch (error) { report(error); }
      }
    }

    // The returned function removes the handler; its `active` promise says whether the hub has
    // the filter (true once it has; false when it refused it or it was removed first).
    subscribe(filter, handler) {
      if (!isFilter(filter) || typeof handler !== 'function')
        throw new TypeError('subscribe(filter, handler): a filter string and a function');
      if (this.closed)
        throw new Error('this client was closed');
      let set = this.handlers.get(filter);
      const first = !set;
      if (first) {
        if (this.handlers.size >= MAX_FILTERS)
          throw new RangeError(`a tab may hold at most ${MAX_FILTERS} filters`);
        set = new Set();
        this.handlers.set(filter, set);
      }
      const entry = (event) => handler(event); // the same handler twice is two subscriptions
      set.add(entry);
      if (first)
        this.post({t: 'sub', filter});
      const off = () => {
        const now = this.handlers.get(filter);
        if (!now || !now.delete(entry) || now.size > 0)
          return;
        this.handlers.delete(filter);
        this.active.delete(filter);
        this.settle(filter, false);
        this.post({t: 'unsub', filter});
      };
      off.active = this.active.has(filter) ? Promise.resolve(true) : new Promise((resolve) => {
        if (!this.waiting.has(filter))
          this.waiting.set(filter, []);
        this.waiting.get(filter).push(resolve);
      });
      return off;
    }

    settle(filter, active) {
      const resolves = this.waiting.get(filter);
      this.waiting.delete(filter);
      for (const resolve of resolves || [])
        resolve(active);
    }

    close() {
      if (this.closed)
        return;
      for (const filter of this.handlers.keys())
        this.settle(filter, false);
      this.handlers.clear();
      this.detach();
      this.closed = true;
      this.setState('closed');
    }

    setState(state) {
      if (state === this.state)
        return;
      this.state = state;
      this.emit('state', state);
    }

    post(message) {
      if (this.link && !this.closed)
        this.link(message);
    }

    hello() {
      return {t: 'hello', filters: [...this.handlers.keys()], hasToken: Boolean(this.getToken),
              defaultId: defaultClientId(this.base, this.mode === 'none'), lastId: this.lastId,
              owned: this.owned ? this.owned.load() : [], base: this.base,
              clientId: this.options.clientId || '', transport: this.options.transport || 'fetch',
              lock: this.tabLock || '', refreshBeforeMs: this.options.refreshBeforeMs};
    }

    ownerOptions(extra) {
      return Object.assign({clientId: this.options.clientId || '', fetch: this.options.fetch,
                            transport: this.options.transport || 'fetch',
                            refreshBeforeMs: this.options.refreshBeforeMs}, extra);
    }

    // Joins the tabs sharing the stream (or opens its own).
    async attach() {
      this.abort = new AbortController();
      const signal = this.abort.signal;
      const locks = root.navigator && root.navigator.locks;
      if (locks && this.mode !== 'none') {
        // Held while this tab lives: whoever owns the stream learns from it that the tab went.
        this.tabLock = 'ssehub-tab:' + this.tabId;
        await new Promise((granted) => locks.request(this.tabLock, {signal}, () => {
          granted();
          return new Promise((release) => { this.releaseTab = release; });
        }).catch(granted));
      }
      if (signal.aborted)
        return;
      if (this.mode === 'worker')
        this.startWorker();
      else if (this.mode === 'leader')
        this.startLeader();
      else
        this.startOwn();
    }

    // Leaves them: says so, and gives up the stream when this tab has it.
    detach() {
      if (this.closed || !this.abort)
        return;
      this.post({t: 'bye'});
      this.abort.abort();
      this.link = null;
      this.dropWorker();
      if (this.owner) {
        const owner = this.owner;
        const release = this.releaseLeader;
        this.owner = null;
        this.releaseLeader = null;
        // The stream goes at once (another tab takes over); the removals still go out.
        owner.stopStream();
        owner.enqueue(() => owner.close()).finally(() => { if (release) release(); });
      }
      if (this.channel) {
        this.channel.close();
        this.channel = null;
      }
      if (this.releaseTab) {
        this.releaseTab();
        this.releaseTab = null;
      }
    }

    startOwn() {
      this.owner = new Owner(this.base, this.ownerOptions({send: (tabId, m) => this.receive(m)}));
      this.link = (m) => this.owner.receive(this.tabId, m);
      this.link(this.hello());
    }

    startWorker() {
      let worker;
      try {
        worker = new root.SharedWorker(this.workerUrl(), {name: this.key});
      } catch (error) {
        return this.fallBack(error);
      }
      const port = worker.port;
      let heard = false;
      this.port = port;
      // A worker that does not answer the hello (it hangs) is treated as one that ended.
      const silence = setTimeout(() => this.workerEnded(port),
                                 duration(this.options.workerAnswerMs, WORKER_ANSWER_MS));
      port.onmessage = (e) => {
        if (this.port !== port)
          return;
        heard = true;
        clearTimeout(silence);
        const m = e.data;
        if (m && m.t === 'alive')
          this.watchWorker(port, m.lock);
        else
          this.receive(m);
      };
      worker.onerror = (e) => {
        if (!heard && this.port === port)
          this.fallBack(new Error('the SharedWorker did not start: ' + (e.message || this.workerUrl())));
      };
      port.start();
      this.link = (m) => port.postMessage(Object.assign({key: this.key, tab: this.tabId}, m));
      this.link(this.hello());
    }

    // The worker holds a Web Lock for its life; granted here, it means the worker ended (the
    // tab whose process ran it crashed): another one starts, resumed from the tabs' cursors.
    watchWorker(port, lock) {
      if (this.watching === port || typeof lock !== 'string')
        return;
      this.watching = port;
      root.navigator.locks.request(lock, {signal: this.abort.signal}, () => this.workerEnded(port))
          .catch(() => {});
    }

    workerEnded(port) {
      if (this.port !== port || this.closed)
        return;
      const now = Date.now();
      this.restarts = this.restarts.filter((t) => now - t < 60000).concat(now);
      this.dropWorker();
      this.setState('connecting');
      if (this.restarts.length > WORKER_RESTARTS)
        this.fallBack(new Error('the SharedWorker keeps ending; sharing through a leader tab'));
      else
        this.startWorker();
    }

    dropWorker() {
      if (this.port) {
        this.port.close();
        this.port = null;
      }
      this.watching = null;
    }

    fallBack(error) {
      this.emit('error', error);
      this.dropWorker();
      this.mode = root.navigator && root.navigator.locks && typeof root.BroadcastChannel === 'function'
          ? 'leader' : 'none';
      this.link = null;
      if (this.mode === 'leader')
        this.startLeader();
      else
        this.startOwn();
    }

    startLeader() {
      const channel = new root.BroadcastChannel(this.key);
      this.channel = channel;
      this.watched = new Set();
      channel.onmessage = (e) => this.fromChannel(e.data);
      this.link = (m) => {
        if (this.owner)
          this.owner.receive(this.tabId, m);
        else
          post(channel, Object.assign({from: this.tabId, to: 'leader'}, m));
      };
      this.link(this.hello()); // to the leader there may be
      root.navigator.locks.request('ssehub-leader:' + this.key, {signal: this.abort.signal}, () => {
        if (this.channel !== channel)
          return undefined;
        return new Promise((release) => {
          this.releaseLeader = release;
          this.lead(channel);
        });
      }).catch(() => {});
    }

    fromChannel(m) {
      if (!m || typeof m !== 'object' || typeof m.from !== 'string')
        return;
      if (m.to === 'leader') {
        if (!this.owner)
          return;
        if (m.t === 'hello' && !this.watched.has(m.from)) {
          this.watched.add(m.from);
          root.navigator.locks.request('ssehub-tab:' + m.from, () => {
            this.watched.delete(m.from);
            if (this.owner)
              this.owner.receive(m.from, {t: 'bye'});
          });
        }
        this.owner.receive(m.from, m);
      } else if (m.t === 'leader') {
        this.leaderId = m.from;
        this.link(this.hello()); // a new leader: it learns what this tab wants
      } else if (m.to === undefined || m.to === this.tabId) {
        // Only the leader speaks for the stream (a tab that joined after it was elected learns
        // who it is from its first answer).
        if (!this.leaderId && m.to === this.tabId && m.t === 'state')
          this.leaderId = m.from;
        if (m.from === this.leaderId && !this.owner)
          this.receive(m);
      }
    }

    // This tab was elected: it owns the stream, resumed after the oldest cursor of the tabs.
    lead(channel) {
      // Once this tab has given the stream up, what its owner still finishes (removals) is not
      // told to the tabs: the next leader speaks for the stream.
      const stamp = (m) => Object.assign({from: this.tabId}, m);
      const owner = new Owner(this.base, this.ownerOptions({
        broadcast: (m) => {
          if (this.owner === owner) {
            post(channel, stamp(m));
            this.receive(m);
          }
        },
        send: (tabId, m) => {
          if (this.owner !== owner)
            return;
          if (tabId === this.tabId)
            this.receive(m);
          else
            post(channel, stamp(Object.assign({to: tabId}, m)));
        },
      }));
      this.owner = owner;
      this.leaderId = this.tabId;
      post(channel, {t: 'leader', from: this.tabId});
      owner.receive(this.tabId, this.hello());
    }

    // A message from the owner of the stream.
    receive(m) {
      if (this.closed || !m || typeof m !== 'object')
        return;
      switch (m.t) {
      case 'event': {
        const event = m.event;
        if (!event || typeof event !== 'object' || typeof event.topic !== 'string')
          return;
        if (typeof event.id === 'string' && event.id) {
          if (this.lastId && compareIds(event.id, this.lastId) <= 0)
            return; // had it (a new owner resumed from an older tab's cursor)
          this.lastId = event.id;
        }
        for (const [filter, set] of this.handlers) {
          if (!topicMatches(filter, event.topic))
            continue;
          for (const handler of [...set]) {
            try { handler(event); } catch (error) { report(error); }
          }
        }
        break;
      }
      case 'reset':
        if (!m.reset || typeof m.reset !== 'object')
          return;
        if (typeof m.reset.resumeId === 'string' && m.reset.resumeId)
          this.lastId = m.reset.resumeId;
        this.emit('reset', m.reset);
        break;
      case 'state':
        if (STATES.includes(m.state))
          this.setState(m.state);
        break;
      case 'session':
        if (!m.session || typeof m.session !== 'object')
          return;
        this.session = m.session;
        this.emit('session', m.session);
        break;
      case 'active':
        if (!this.handlers.has(m.filter) || this.active.has(m.filter))
          return;
        this.active.add(m.filter);
        this.settle(m.filter, true);
        this.emit('subscribed', m.filter);
        break;
      case 'owned':
        if (this.owned && filterList(m.list))
          this.owned.save(m.list);
        break;
      case 'error': {
        if (!m.error || typeof m.error !== 'object')
          return;
        const error = new Error(String(m.error.message));
        for (const field of ['status', 'filter', 'code']) {
          if (m.error[field])
            error[field] = m.error[field];
        }
        if (error.filter)
          this.settle(error.filter, false);
        this.emit('error', error);
        break;
      }
      case 'getToken':
        this.answerToken(m);
        break;
      default:
        break;
      }
    }

    async answerToken(m) {
      let token = null;
      try {
        token = this.getToken ? await this.getToken(Boolean(m.fresh)) : null;
        if (this.getToken && !token)
          throw new Error('getToken() gave no token');
      } catch (error) {
        this.emit('error', error);
        this.post({t: 'token', req: m.req, failed: true});
        return;
      }
      this.post({t: 'token', req: m.req, token: token || null});
    }
  }

  root.SsehubSseParser = SseParser;
  root.SsehubClient = SsehubClient;
  root.SsehubTopicMatches = topicMatches;
  root.SsehubStream = SsehubStream;
  root.SsehubEventSourceStream = EventSourceStream;
  root.SsehubCompareIds = compareIds;
  if (typeof root.SharedWorkerGlobalScope === 'function' && root instanceof root.SharedWorkerGlobalScope)
    serveTabs(root);
})(globalThis);
