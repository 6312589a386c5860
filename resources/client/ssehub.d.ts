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

export interface SsehubStreamOptions {
  getToken?: () => string | null | Promise<string | null>;
  onEvent?: (event: SsehubEvent) => void;
  onReset?: (reset: SsehubReset) => void;
  onSession?: (session: {client_id: string; node: string; topics: string[]}) => void;
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
  constructor(url: string, options?: SsehubStreamOptions);
  readonly lastEventId: string;
  start(): void;
  stop(): void;
}

export interface SsehubClientOptions {
  token?: string;
  getToken?: () => string | null | Promise<string | null>;
  /** The named client on the hub (default: a random one kept in sessionStorage). */
  clientId?: string;
  fetch?: typeof fetch;
}

/** Subscriptions of a page over one stream of a named client. */
export declare class SsehubClient {
  constructor(baseUrl: string, options?: SsehubClientOptions);
  readonly clientId: string;
  /** Returns the function that removes this handler (and the filter, with its last handler). */
  subscribe(filter: string, handler: (event: SsehubEvent) => void): () => void;
  on(name: 'reset', handler: (reset: SsehubReset) => void): () => void;
  on(name: 'state', handler: (state: SsehubState) => void): () => void;
  on(name: 'error', handler: (error: SsehubError) => void): () => void;
  close(): void;
}

/** Whether a topic matches a filter ('+': one level, '#': the rest). */
export declare function SsehubTopicMatches(filter: string, topic: string): boolean;
/** -1, 0 or 1: the order of two event ids. */
export declare function SsehubCompareIds(a: string, b: string): number;

declare global {
  var SsehubSseParser: typeof import('./ssehub').SsehubSseParser;
  var SsehubStream: typeof import('./ssehub').SsehubStream;
  var SsehubClient: typeof import('./ssehub').SsehubClient;
  var SsehubTopicMatches: typeof import('./ssehub').SsehubTopicMatches;
  var SsehubCompareIds: typeof import('./ssehub').SsehubCompareIds;
}
