/** The debug page's entry point: wires the API, the event stream and the renderer to the controls. */

import { ApiError, cancelRun, deleteThread, getThread, listThreads, readiness } from "./api.js";
import * as panels from "./panels.js";
import * as view from "./render.js";
import { followRun, runUrl, turnUrl } from "./stream.js";

const $ = (id) => document.getElementById(id);

/** In words a person understands, what a RUN_ERROR code means. */
const ERROR_TITLES = {
  model_error: "The model could not answer.",
  tool_error: "A tool failed.",
  internal: "The server hit an internal error.",
  cancelled: "The run was cancelled.",
};

const page = {
  threadId: null,
  olderThreadsBefore: null,
  run: null, // {stream, runId, startedAt, firstTokenAt, lastTokenAt, tokens, stopRequested, timer}
};

// ---- URL: the current thread is ?thread=…, so a reload or a shared link reopens it.

function threadFromUrl() {
  return new URLSearchParams(location.search).get("thread");
}

function showThreadInUrl(threadId, { replace = false } = {}) {
  const url = new URL(location.href);
  if (threadId) url.searchParams.set("thread", threadId);
  else url.searchParams.delete("thread");
  if (url.href === location.href) return;
  if (replace) history.replaceState({ threadId }, "", url);
  else history.pushState({ threadId }, "", url);
}

function setThread(threadId, { replace = false } = {}) {
  page.threadId = threadId;
  showThreadInUrl(threadId, { replace });
  panels.markCurrentThread(threadId);
}

// ---- Threads.

async function refreshThreads({ older = false } = {}) {
  try {
    const { threads, next_before } = await listThreads({ before: older ? page.olderThreadsBefore : null });
    page.olderThreadsBefore = next_before;
    $("more-threads").hidden = !next_before;
    panels.renderThreads(threads, {
      currentId: page.threadId, append: older, running: Boolean(page.run),
      onOpen: (id) => openThread(id), onDelete: removeThread,
    });
  } catch (error) {
    panels.showThreadsError(`Could not load the threads: ${error.message}.`);
  }
}

async function openThread(threadId, { replace = false } = {}) {
  if (page.run) return;
  let thread;
  try {
    thread = await getThread(threadId);
  } catch (error) {
    setThread(null, { replace: true });
    view.clearConversation();
    const missing = error instanceof ApiError && error.status === 404;
    view.addNotice("error", missing ? `There is no thread “${threadId}”.` : "Could not open the thread.",
      missing ? "It may have been deleted. Start a new one below." : error.message);
    return;
  }
  setThread(threadId, { replace });
  view.renderHistory(thread.messages);
  panels.clearSteps();
  panels.clearInspector();
  if (thread.active_run_id) {
    view.addNotice("info", "A run is going on in this thread:", "following it live.");
    beginRun(runUrl(thread.active_run_id), { runId: thread.active_run_id });
  }
  $("message").focus();
}

function newThread() {
  if (page.run) return;
  setThread(null);
  view.clearConversation();
  panels.clearSteps();
  panels.clearInspector();
  $("message").focus();
}

async function removeThread(threadId, button) {
  if (page.run) return;
  if (button.dataset.confirming !== "true") {
    button.dataset.confirming = "true";
    button.textContent = "Delete?";
    setTimeout(() => {
      button.dataset.confirming = "false";
      button.textContent = "×";
    }, 3000);
    return;
  }
  try {
    await deleteThread(threadId);
  } catch (error) {
    view.addNotice("error", "Could not delete the thread.", error.message);
    return;
  }
  if (threadId === page.threadId) newThread();
  await refreshThreads();
}

// ---- Runs.

function beginRun(url, { runId = null } = {}) {
  const run = {
    runId, startedAt: performance.now(), firstTokenAt: null, lastTokenAt: null, tokens: 0, stopRequested: false,
  };
  page.run = run;
  panels.clearSteps();
  panels.clearInspector();
  panels.setFact("run", runId);
  panels.setRunning(true);
  const tick = () => panels.setElapsed(`Running · ${((performance.now() - run.startedAt) / 1000).toFixed(1)} s`);
  tick();
  run.timer = setInterval(tick, 100);
  run.stream = followRun(url, {
    onEvent: (event) => applyEvent(run, event),
    onEnd: (ending) => endRun(run, ending),
    onReconnecting: (attempt) => panels.setElapsed(`Connection interrupted · reconnecting (attempt ${attempt})…`),
  });
}

function applyEvent(run, event) {
  const now = performance.now() - run.startedAt;
  panels.logEvent(event, now);
  switch (event.type) {
    case "RUN_STARTED":
      run.runId = event.runId;
      panels.setFact("run", event.runId);
      if (event.threadId !== page.threadId) setThread(event.threadId, { replace: !page.threadId });
      if (run.stopRequested) stop();
      break;
    case "STEP_STARTED":
      panels.stepStarted(event.stepName, now);
      break;
    case "STEP_FINISHED":
      panels.stepFinished(event.stepName, now);
      break;
    case "TEXT_MESSAGE_START":
      view.startAssistantText(event.messageId);
      break;
    case "TEXT_MESSAGE_CONTENT":
      countToken(run, now);
      view.appendAssistantText(event.messageId, event.delta);
      break;
    case "TEXT_MESSAGE_END":
      view.endAssistantText(event.messageId);
      break;
    case "TOOL_CALL_START":
      view.startToolCall(event.toolCallId, event.toolCallName);
      break;
    case "TOOL_CALL_ARGS":
      view.appendToolArgs(event.toolCallId, event.delta);
      break;
    case "TOOL_CALL_END":
      view.endToolCall(event.toolCallId);
      break;
    case "TOOL_CALL_RESULT":
      view.setToolResult(event.toolCallId, event.content);
      break;
    case "CUSTOM":
      if (event.name === "progress") panels.showProgress(event.value);
      break;
    case "RUN_FINISHED":
      panels.setFact("outcome", event.outcome?.type ?? "success");
      if (event.usage?.length) {
        const input = event.usage.reduce((sum, u) => sum + (u.inputTokens ?? 0), 0);
        const output = event.usage.reduce((sum, u) => sum + (u.outputTokens ?? 0), 0);
        panels.setFact("usage", `${input} in · ${output} out`);
      }
      break;
    case "RUN_ERROR":
      panels.setFact("outcome", `error (${event.code ?? "unknown"})`);
      break;
  }
}

function countToken(run, now) {
  run.tokens += 1;
  run.lastTokenAt = now;
  if (run.firstTokenAt === null) {
    run.firstTokenAt = now;
    panels.setFact("ttft", panels.formatMs(now));
  }
  const seconds = (run.lastTokenAt - run.firstTokenAt) / 1000;
  if (run.tokens > 1 && seconds > 0) panels.setFact("rate", `${((run.tokens - 1) / seconds).toFixed(1)} tokens/s`);
}

async function endRun(run, ending) {
  clearInterval(run.timer);
  if (page.run === run) page.run = null;
  panels.setRunning(false);
  const outcome = ending.event?.outcome?.type;
  if (ending.kind === "finished" && outcome === "cancelled") {
    panels.abandonSteps("cancelled");
    view.abandonToolCalls("cancelled");
    view.addNotice("cancelled", "Stopped.", "The run was cancelled; what was written before it stopped is kept.");
  } else if (ending.kind === "finished" && outcome === "interrupt") {
    view.addNotice("info", "The graph paused for input (interrupt).", JSON.stringify(ending.event.outcome));
  } else if (ending.kind === "error") {
    const { code, message } = ending.event;
    panels.abandonSteps("failed");
    view.abandonToolCalls("failed");
    view.addNotice("error", ERROR_TITLES[code] ?? "The run failed.",
      `${message ?? ""} (${code ?? "no code"}). You can send another message.`);
  } else if (ending.kind === "lost") {
    panels.setFact("outcome", "connection lost");
    panels.abandonSteps("unknown");
    view.abandonToolCalls("unknown");
    view.addNotice("error", "The connection to the server was lost before the run ended.",
      ending.reason ?? "The run may still be going on the server: reopen the thread to see how it ended.");
  } else if (ending.kind === "refused") {
    await explainRefusal(run);
  }
  await refreshThreads();
  if (!page.run) $("message").focus();
}

/** A stream that never sent an event: a busy thread is joined, anything else is reported. */
async function explainRefusal(run) {
  if (run.runId) return; // a run that was joined had already finished: its result is in the history
  if (page.threadId) {
    const thread = await getThread(page.threadId).catch(() => null);
    if (thread?.active_run_id) {
      view.addNotice("info", "This thread is busy with another run:", "following it instead.");
      beginRun(runUrl(thread.active_run_id), { runId: thread.active_run_id });
      return;
    }
  }
  panels.setFact("outcome", "refused");
  const problem = await readiness().then(() => null, (error) => error);
  if (problem?.status === 401) {
    view.addNotice("error", "The server asks for its API key.", "Reload the page to log in.");
  } else if (problem) {
    view.addNotice("error", "The server does not answer.", "Check that it is running, then send again.");
  } else {
    view.addNotice("error", "The server refused to start the turn.", "The message may be too long or malformed.");
  }
}

async function stop() {
  const run = page.run;
  if (!run) return;
  $("stop").disabled = true;
  $("stop").textContent = "Stopping…";
  if (!run.runId || !page.threadId) {
    run.stopRequested = true; // sent once RUN_STARTED names the thread
    return;
  }
  try {
    await cancelRun(page.threadId);
  } catch (error) {
    view.addNotice("error", "Could not stop the run.", error.message);
    $("stop").disabled = false;
    $("stop").textContent = "Stop";
  }
}

function send(event) {
  event.preventDefault();
  const box = $("message");
  const message = box.value;
  if (page.run || !message.trim()) return;
  box.value = "";
  view.addUserMessage(message);
  beginRun(turnUrl(message, page.threadId));
}

// ---- Start-up.

function start() {
  $("composer").addEventListener("submit", send);
  $("message").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
  });
  $("stop").addEventListener("click", stop);
  $("new-thread").addEventListener("click", newThread);
  $("more-threads").addEventListener("click", () => refreshThreads({ older: true }));
  window.addEventListener("popstate", () => {
    if (page.run) showThreadInUrl(page.threadId);
    else if (threadFromUrl()) openThread(threadFromUrl(), { replace: true });
    else newThread();
  });
  view.clearConversation();
  panels.clearSteps();
  panels.clearInspector();
  panels.markCurrentThread(null);
  readiness()
    .then(({ model }) => {
      panels.setFact("model", model);
      $("model").textContent = model;
    })
    .catch(() => ($("model").textContent = "not ready"));
  const threadId = threadFromUrl();
  if (threadId) openThread(threadId, { replace: true });
  refreshThreads();
}

start();
