/**
 * One run's events, from the server to the page.
 *
 * A turn is started with `fetch` (POST /api/chat), not an EventSource: when the
 * server refuses a turn (a 4xx with `{"error": {code, message}}`) an
 * EventSource only reports "error" and cannot read why, and the page must
 * show the server's own reason. The POST is sent once and never retried.
 *
 * A run already going on (after a reload, or in a thread opened while busy) is
 * followed with an EventSource on GET /api/runs/{id}/stream. When either
 * stream breaks before the run's last event, the run is resumed there with
 * `?after=` the last sequence number seen (each event's `id:` is `run:seq`),
 * so nothing is shown twice and nothing is sent twice. The browser's own
 * EventSource reconnect is not used: it would repeat the URL's original
 * `?after=` and replay what was already shown. After MAX_RECONNECTS failed
 * attempts in a row the connection counts as lost (the run goes on without us).
 */

import { serverSentEvents } from "./sse.js";

const LAST_EVENTS = new Set(["RUN_FINISHED", "RUN_ERROR"]);
export const MAX_RECONNECTS = 3;
const RECONNECT_DELAY_MS = 1000;

/** The URL that replays a run's events after `after` and then follows it live. */
export const runUrl = (runId, after = 0) => `api/runs/${encodeURIComponent(runId)}/stream?after=${after}`;

/**
 * Calls `onEvent(event)` for every event and `onEnd(ending)` exactly once, with `ending.kind` one of:
 * "finished" (RUN_FINISHED, in `ending.event`), "error" (RUN_ERROR, in `ending.event`),
 * "refused" (the server refused the turn: `status`, `code`, `message`, `details`),
 * "unreachable" (the turn's request got no answer: `reason`), "gone" (the run to follow is not
 * kept by the server), "lost" (the connection broke mid-run and did not come back: `reason`)
 * or "closed" (by `close()`). `onReconnecting(attempt, max)` and `onReconnected()` tell how a
 * broken connection is doing.
 */
class RunStream {
  constructor({ onEvent, onEnd, onReconnecting = () => {}, onReconnected = () => {} }) {
    Object.assign(this, { onEvent, onEnd, onReconnecting, onReconnected });
    this.runId = null;
    this.seq = 0;
    this.reconnects = 0;
    this.ended = false;
    this.request = new AbortController();
    this.source = null;
    this.retry = null;
  }

  async post(message, threadId, { resume = null, checkpointId = null } = {}) {
    let response;
    try {
      response = await fetch("api/chat", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify(resume ? { thread_id: threadId, resume } : {
          message, ...(threadId && { thread_id: threadId }), ...(checkpointId && { checkpoint_id: checkpointId }),
        }),
        signal: this.request.signal,
      });
    } catch (error) {
      this.end({ kind: "unreachable", reason: error.message });
      return;
    }
    if (!response.ok) {
      const error = (await response.json().catch(() => null))?.error ?? {};
      this.end({
        kind: "refused", status: response.status, details: error,
        code: error.code ?? "http_error", message: error.message ?? `the server answered HTTP ${response.status}`,
      });
      return;
    }
    try {
      for await (const { id, data } of serverSentEvents(response.body)) {
        if (!this.receive(id, data)) return;
      }
    } catch {
      // the body broke off: resumed below, like a body that ended early
    }
    this.interrupted("the stream broke off");
  }

  listen() {
    const source = new EventSource(runUrl(this.runId, this.seq));
    this.source = source;
    source.onmessage = (message) => this.receive(message.lastEventId, message.data);
    source.onerror = () => {
      const refused = source.readyState === EventSource.CLOSED; // an answer that is not a stream (404, 204)
      source.close();
      if (this.ended) return;
      if (!refused) this.interrupted("the stream broke off");
      else if (this.seq === 0) this.end({ kind: "gone" });
      else this.end({ kind: "lost", reason: "the server no longer has this run's events" });
    };
  }

  /** Handle one event; false once the stream has ended. */
  receive(id, data) {
    if (this.ended) return false;
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      this.end({ kind: "lost", reason: "the server sent an event that is not JSON" });
      return false;
    }
    const colon = id.lastIndexOf(":");
    if (colon > 0) {
      this.runId = id.slice(0, colon);
      this.seq = Number(id.slice(colon + 1));
    }
    if (this.reconnects) {
      this.reconnects = 0;
      this.onReconnected();
    }
    this.onEvent(event);
    if (LAST_EVENTS.has(event.type)) this.end({ kind: event.type === "RUN_ERROR" ? "error" : "finished", event });
    return !this.ended;
  }

  interrupted(reason) {
    if (this.ended) return;
    if (!this.runId) {
      this.end({ kind: "lost", reason: `${reason} before the run's first event` });
    } else if (++this.reconnects > MAX_RECONNECTS) {
      this.end({ kind: "lost", reason: `${reason}; ${MAX_RECONNECTS} attempts to reconnect failed` });
    } else {
      this.onReconnecting(this.reconnects, MAX_RECONNECTS);
      this.retry = setTimeout(() => this.listen(), RECONNECT_DELAY_MS * this.reconnects);
    }
  }

  end(ending) {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.retry);
    this.source?.close();
    this.request.abort();
    this.onEnd(ending);
  }

  close() {
    this.end({ kind: "closed" });
  }
}

/** Start a turn in `threadId` (null: a new thread) and follow its run. */
export function sendTurn({ message, threadId, resume = null, checkpointId = null }, handlers) {
  const stream = new RunStream(handlers);
  stream.post(message, threadId, { resume, checkpointId });
  return stream;
}

/** Follow the run `runId` from its first event. */
export function followRun(runId, handlers) {
  const stream = new RunStream(handlers);
  stream.runId = runId;
  stream.listen();
  return stream;
}
