// Types of ssehub's browser client (resources/client/ssehub.js, served at GET /ssehub.js). The
// script defines these names on globalThis, as a classic script and as an ES module alike.

/** An event as the hub publishes it (the envelope of the SSE frame). */
export interface SsehubEvent {
  id: string;
  topic: string;
  type: string;
  payload: unknown;
  /** Milliseconds since the Unix epoch, set by the hub. */
  timestamp: number;
}

/** The hub said that events the stream may have needed are gone. */
export interface SsehubReset {
  /** Why: "history-gap", "history-lost", ... */
  reason: string;
  /** The oldest id the hub still has ("" when none). */
  oldest: string;
  /** Where the stream goes on from. */
  resumeId: string;
}

export type SsehubState = 'connecting' | 'open' | 'waiting' | 'closed';

/** An error from the hub (its HTTP status) or the network. */
export interface SsehubError extends Error {
  status?: number;
}

/** A raw event of an event stream, as EventSource would dispatch it. */
export interface SseMessage {
  type: string;
  data: string;
  lastEventId: string;
}

/** The WHATWG event stream parser, fed with chunks as fetch() delivers them. */
export declare class SsehubSseParser {
  constructor(onEvent: (event: SseMessage) => void, onRetry?: (ms: number) => void,
              onComment?: (text: string) => void);
  readonly id: string;
  feed(chunk: Uint8Array | string): void;
  /** The stream ended: a partial event is dropped; the last event id stays. */
  end(): void;
}

export interface SsehubSession {
  client_id: string;
  node: string;
  topics: string[];
}

export interface SsehubStreamOptions {
  /** Asked (may be async) for the bearer token; fresh is true when the last one is spent. */
  getToken?: (fresh?: boolean) => string | null | Promise<string | null>;
  /** Runs before every connection (may be async); when it fails, the connection waits. */
  prepare?: () => void | Promise<void>;
  onEvent?: (event: SsehubEvent) => void;
  onReset?: (reset: SsehubReset) => void;
  onSession?: (session: SsehubSession) => void;
  onState?: (state: SsehubState) => void;
  onError?: (error: SsehubError) => void;
  lastEventId?: string;
  fetch?: typeof fetch;
  /** The least delay before reconnecting (default 0; the hub's `retry:` applies). */
  minDelayMs?: number;
  /** The most (default 30000). */
  maxDelayMs?: number;
  /** How long before the token's `exp` a new one is asked for (default 30000). */
  refreshBeforeMs?: number;
}

/** One stream of the hub read with fetch(), resumed with Last-Event-ID after every drop. */
export declare class SsehubStream {
  /** url: the stream's URL, or a function asked before every connection. */
  constructor(url: string | (() => string), options?: SsehubStreamOptions);
  readonly lastEventId: string;
  start(): void;
  stop(): void;
}

/** The same over EventSource (cookies; getToken and refreshBeforeMs do not apply). */
export declare class SsehubEventSourceStream extends SsehubStream {}

export interface SsehubClientOptions {
  token?: string;
  /** Asked (may be async) for the token; fresh is true when the last one was refused or is
   *  about to expire. May be called in any tab sharing the stream. */
  getToken?: (fresh: boolean) => string | null | Promise<string | null>;
  /** The named client on the hub (default: the token's `sub`, else one per browser and hub). */
  clientId?: string;
  /** How tabs share the stream (default 'auto': SharedWorker, else a leader tab, else none). */
  share?: 'auto' | 'worker' | 'leader' | 'none';
  /** The SharedWorker's script, of the page's origin (default: the hub's /ssehub.js when it is). */
  workerUrl?: string;
  /** How long a SharedWorker may leave a tab's hello unanswered before it is taken as ended
   *  (default 10000). */
  workerAnswerMs?: number;
  /** 'fetch' (default, Authorization header) or 'eventsource' (the page's cookies). */
  transport?: 'fetch' | 'eventsource';
  /** How long before the token's `exp` a new one is asked for (default 30000). */
  refreshBeforeMs?: number;
  /** Used where the stream's owner runs in the page (a leader tab, or share 'none'); a
   *  SharedWorker uses its own fetch. */
  fetch?: typeof fetch;
}

/** A refused filter's error names it; with the EventSource transport, code 'auth-expired' says
 *  the page must renew its cookie. */
export interface SsehubClientError extends SsehubError {
  filter?: string;
  code?: string;
}

/** What subscribe() returns: call it to remove the handler. */
export interface SsehubUnsubscribe {
  (): void;
  /** true once the hub has the filter; false when it refused it or it was removed first. */
  readonly active: Promise<boolean>;
}

/** A page's subscriptions, over the one stream all tabs of its origin share. */
export declare class SsehubClient {
  constructor(baseUrl: string, options?: SsehubClientOptions);
  /** The named client ('' until the hub has said, unless the page named it). */
  readonly clientId: string;
  /** How this tab shares the stream (a SharedWorker that cannot start turns it to 'leader'). */
  readonly mode: 'worker' | 'leader' | 'none';
  readonly state: SsehubState;
  /** Returns the function that removes this handler (and the filter, with its last handler). */
  subscribe(filter: string, handler: (event: SsehubEvent) => void): SsehubUnsubscribe;
  on(name: 'reset', handler: (reset: SsehubReset) => void): () => void;
  on(name: 'state', handler: (state: SsehubState) => void): () => void;
  on(name: 'error', handler: (error: SsehubClientError) => void): () => void;
  on(name: 'session', handler: (session: SsehubSession) => void): () => void;
  /** The hub has a filter of this tab (events published from now on reach it). */
  on(name: 'subscribed', handler: (filter: string) => void): () => void;
  /** Removes every handler of this tab and leaves the shared stream. */
  close(): void;
}

/** Whether a topic matches a filter ('+': one level, '#': the rest). */
export declare function SsehubTopicMatches(filter: string, topic: string): boolean;
/** -1, 0 or 1: the order of two event ids. */
export declare function SsehubCompareIds(a: string, b: string): number;

declare global {
  var SsehubSseParser: typeof import('./ssehub').SsehubSseParser;
  var SsehubStream: typeof import('./ssehub').SsehubStream;
  var SsehubEventSourceStream: typeof import('./ssehub').SsehubEventSourceStream;
  var SsehubClient: typeof import('./ssehub').SsehubClient;
  var SsehubTopicMatches: typeof import('./ssehub').SsehubTopicMatches;
  var SsehubCompareIds: typeof import('./ssehub').SsehubCompareIds;
}
