/**
 * The runs of the thread on screen (GET /api/threads/{id}/runs), newest first, with their outcome,
 * duration, time to first token, tokens and usage. Choosing one replays its events
 * (GET /api/runs/{id}/stream?after=0) into the steps, the graph and the event log.
 */

import { listRuns } from "./api.js";
import { copyButton } from "./copy.js";
import { el } from "./dom.js";
import { formatMs, setFact } from "./panels.js";

const $ = (id) => document.getElementById(id);
const list = { threadId: null, chosen: null, onChoose: () => {}, asked: 0 };

/** `onChoose(run)` replays a run of the list. */
export function initRunsList({ onChoose }) {
  list.onChoose = onChoose;
}

function describe(run) {
  const parts = [];
  if (run.duration_ms !== null) parts.push(formatMs(run.duration_ms));
  if (run.first_token_ms !== null) parts.push(`first token ${formatMs(run.first_token_ms)}`);
  if (run.tokens !== null) parts.push(`${run.tokens} tokens`);
  if (run.usage) parts.push(`${run.usage.input_tokens} in · ${run.usage.output_tokens} out`);
  return parts.join(" · ");
}

function runItem(run) {
  const when = new Date(run.started_at);
  return el("li", { className: "run-item", "data-run-id": run.run_id, "data-status": run.status,
                    "aria-current": run.run_id === list.chosen ? "true" : null },
    el("button", { type: "button", className: "run-open", "data-locked-by-run": true,
                   title: `Replay run ${run.run_id}'s events`, onclick: () => choose(run) },
      el("span", { className: "run-line" },
        el("span", { className: `run-outcome status-${run.status}` }, run.status),
        el("span", { className: "run-when" }, when.toLocaleTimeString())),
      el("span", { className: "run-meta" }, describe(run))),
    copyButton("the run id", () => run.run_id));
}

function choose(run) {
  list.chosen = run.run_id;
  for (const item of $("runs").children) {
    if (item.dataset.runId === run.run_id) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
  }
  setFact("run", run.run_id);
  list.onChoose(run);
}

/** List the runs of `threadId` (null: a new thread, none yet). */
export async function refreshRuns(threadId) {
  const asked = ++list.asked;
  if (threadId !== list.threadId) list.chosen = null;
  list.threadId = threadId;
  if (!threadId) {
    $("runs").replaceChildren(el("li", { className: "hint" }, "A thread's runs appear here."));
    return;
  }
  let found;
  try {
    found = await listRuns(threadId);
  } catch (error) {
    if (asked === list.asked) $("runs").replaceChildren(el("li", { className: "hint error" }, error.message));
    return;
  }
  if (asked !== list.asked) return;
  const locked = document.body.classList.contains("running");
  $("runs").replaceChildren(...(found.runs.length
    ? found.runs.map(runItem)
    : [el("li", { className: "hint" }, "No run of this thread is kept.")]));
  for (const button of $("runs").querySelectorAll("button.run-open")) button.disabled = locked;
}
