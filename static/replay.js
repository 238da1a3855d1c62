/** A past run's events replayed from the server (GET /api/runs/{id}/stream?after=0) into the trace. */

import { el } from "./dom.js";
import * as panels from "./panels.js";
import { serverSentEvents } from "./sse.js";
import { runUrl } from "./stream.js";
import { resetTrace, stopTrace, traceEvent } from "./trace.js";

let current = null; // the AbortController of the replay under way

/** Replay `run` (an item of the runs list); a run no longer kept says so. */
export async function replayRun(run) {
  current?.abort();
  const replay = (current = new AbortController());
  panels.clearSteps();
  panels.clearInspector();
  resetTrace();
  panels.setFact("run", run.run_id);
  panels.setFact("outcome", run.status);
  let seen = 0;
  try {
    const response = await fetch(runUrl(run.run_id, 0), { signal: replay.signal, headers: { accept: "text/event-stream" } });
    if (response.ok && response.status !== 204) {
      for await (const { data } of serverSentEvents(response.body)) {
        if (replay.signal.aborted) return;
        const event = JSON.parse(data);
        seen += 1;
        traceEvent(event, null);
        if (event.type === "RUN_FINISHED" || event.type === "RUN_ERROR") break;
      }
    }
  } catch (error) {
    if (replay.signal.aborted) return;
    noteInLog(`The replay broke off: ${error.message}.`);
  }
  stopTrace();
  if (!seen && !replay.signal.aborted) {
    noteInLog("This run's events are no longer kept: the server keeps them for RUN_RETENTION_SECONDS "
      + "after the run ends, in the memory of the process that ran it.");
  }
}

/** Stop a replay under way (a live run takes the panels). */
export function stopReplay() {
  current?.abort();
  current = null;
}

function noteInLog(text) {
  document.getElementById("event-log").append(el("li", { className: "hint", "data-type": "note" }, text));
}
