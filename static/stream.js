/**
 * One run's event stream, read with an EventSource.
 *
 * The EventSource is closed on the run's last event (RUN_FINISHED or RUN_ERROR):
 * left open, it would reconnect when the server closes the stream. It is also
 * never allowed to reconnect before the first event has arrived, because a
 * reconnect without a Last-Event-ID would send the turn a second time. After
 * that, a reconnect carries `Last-Event-ID: run:seq` and the server resumes the
 * same run, so a short network blip costs nothing; after MAX_RECONNECTS failed
 * attempts in a row the connection counts as lost.
 */

const LAST_EVENTS = new Set(["RUN_FINISHED", "RUN_ERROR"]);
const MAX_RECONNECTS = 2;

/** The URL of a new turn on GET /chat; without a thread id the server makes a new thread. */
export function turnUrl(message, threadId) {
  const query = new URLSearchParams({ message });
  if (threadId) query.set("thread_id", threadId);
  return `chat?${query}`;
}

/** The URL that replays a run's events from the start and then follows it live. */
export const runUrl = (runId) => `api/runs/${encodeURIComponent(runId)}/stream?after=0`;

/**
 * Follow the run streamed at `url`. `onEvent(event)` is called for every event;
 * `onEnd(ending)` exactly once, with `ending.kind` one of:
 * "finished" (RUN_FINISHED, in `ending.event`), "error" (RUN_ERROR, in `ending.event`),
 * "refused" (no event ever arrived), "lost" (the connection broke mid-run) or "closed" (by `close()`).
 */
export function followRun(url, { onEvent, onEnd, onReconnecting = () => {} }) {
  const source = new EventSource(url);
  let received = 0;
  let reconnects = 0;
  let ended = false;

  const end = (ending) => {
    if (ended) return;
    ended = true;
    source.close();
    onEnd(ending);
  };

  source.onmessage = (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      end({ kind: "lost", reason: "the server sent an event that is not JSON" });
      return;
    }
    received += 1;
    reconnects = 0;
    onEvent(event);
    if (LAST_EVENTS.has(event.type)) {
      end({ kind: event.type === "RUN_ERROR" ? "error" : "finished", event });
    }
  };

  source.onerror = () => {
    if (ended) return;
    if (received === 0) {
      end({ kind: "refused" });
    } else if (source.readyState === EventSource.CLOSED || ++reconnects > MAX_RECONNECTS) {
      end({ kind: "lost" });
    } else {
      onReconnecting(reconnects);
    }
  };

  return { close: () => end({ kind: "closed" }) };
}
