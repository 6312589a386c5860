// ssehub's browser client (issue 22, in progress): no build step, no dependencies. Valid as a
// classic script and as an ES module; either way it defines its names on globalThis.
//
// So far: the Server-Sent Events parser the client reads its fetch() stream with, following
// the WHATWG HTML "event stream interpretation" rules that EventSource follows.
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

  root.SsehubSseParser = SseParser;
})(globalThis);
