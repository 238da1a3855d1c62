/**
 * The run on screen, from its first event to its ending: each event drawn as it
 * comes, the ending said in words, a stopped answer marked as stopped.
 */

import { cancelRun, getThread } from "./api.js";
import { runErrorTitle } from "./codes.js";
import * as conversation from "./conversation.js";
import { wasStopped } from "./history.js";
import * as interrupts from "./interrupts.js";
import * as panels from "./panels.js";
import * as status from "./run_status.js";
import { stopReplay } from "./replay.js";
import { page, setThread } from "./state.js";
import { followRun, sendTurn } from "./stream.js";
import { refreshThreads } from "./threads.js";
import * as cards from "./tool_cards.js";
import { resetTrace, speakerOf, stopTrace, traceEvent } from "./trace.js";

const hooks = { reopenThread: () => {}, runStarted: () => {}, stepFinished: () => {}, runEnded: () => {} };

/**
 * `reopenThread(threadId)` is offered when a connection is lost; `runStarted()`, `stepFinished()`
 * (a top-level step) and `runEnded()` let the state and the runs list follow the run.
 */
export function initRuns({ reopenThread, runStarted, stepFinished, runEnded }) {
  Object.assign(hooks, { reopenThread, runStarted, stepFinished, runEnded });
}

/**
 * Post `message` as a turn of the current thread, from `checkpointId` (the branch shown) or its head;
 * `onRefused(ending)` hears why if the server refuses it.
 */
export function startTurn(message, { onRefused, checkpointId = page.checkpointId }) {
  page.checkpointId = null;
  beginRun((handlers) => sendTurn({ message, threadId: page.threadId, checkpointId }, handlers), { onRefused });
}

/** Answer the current thread's open interrupts with resume `entries`. */
export function startResume(entries) {
  beginRun((handlers) => sendTurn({ threadId: page.threadId, resume: entries }, handlers), {
    onRefused: (ending) => conversation.addNotice("error", "The answer was refused.", ending.message),
  });
}

/** Follow the run `runId` (already going on) live. */
export function followActiveRun(runId) {
  beginRun((handlers) => followRun(runId, handlers), { runId });
}

function beginRun(open, { runId = null, onRefused = () => {} }) {
  const run = {
    runId, onRefused, startedAt: performance.now(), firstTokenAt: null, lastTokenAt: null, tokens: 0,
    stopRequested: false, reconnected: false,
  };
  page.run = run;
  stopReplay();
  panels.clearSteps();
  panels.clearInspector();
  resetTrace();
  panels.setFact("run", runId);
  status.showRunStarted(run.startedAt);
  run.stream = open({
    onEvent: (event) => applyEvent(run, event),
    onEnd: (ending) => endRun(run, ending),
    onReconnecting: (attempt, max) => {
      panels.setFact("outcome", "reconnecting");
      status.showConnection(`connection lost, reconnecting (attempt ${attempt} of ${max})…`);
    },
    onReconnected: () => {
      panels.setFact("outcome", "–");
      status.showConnection("");
      run.reconnected = true;
    },
  });
}

function applyEvent(run, event) {
  const now = performance.now() - run.startedAt;
  traceEvent(event, now);
  switch (event.type) {
    case "RUN_STARTED":
      run.runId = event.runId;
      panels.setFact("run", event.runId);
      if (event.threadId !== page.threadId) setThread(event.threadId, { replace: !page.threadId });
      if (run.stopRequested) stop();
      hooks.runStarted();
      break;
    case "STEP_FINISHED":
      if (!event.subagentRunId) hooks.stepFinished();
      break;
    case "TEXT_MESSAGE_START":
      conversation.startAssistantText(event.messageId, speakerOf(event.subagentRunId));
      break;
    case "TEXT_MESSAGE_CONTENT":
      status.countToken(run, now);
      conversation.appendAssistantText(event.messageId, event.delta);
      break;
    case "TEXT_MESSAGE_END":
      conversation.endAssistantText(event.messageId);
      break;
    case "TOOL_CALL_START":
      cards.startToolCall(event.toolCallId, event.toolCallName);
      break;
    case "TOOL_CALL_ARGS":
      cards.appendToolArgs(event.toolCallId, event.delta);
      break;
    case "TOOL_CALL_END":
      cards.endToolCall(event.toolCallId);
      break;
    case "TOOL_CALL_RESULT":
      cards.setToolResult(event.toolCallId, event.content);
      break;
  }
}

/** Close what the run left open, with `why` on the steps and tool calls. */
function abandon(why) {
  panels.abandonSteps(why);
  stopTrace();
  cards.abandonToolCalls(why);
  conversation.endStreaming();
}

async function endRun(run, ending) {
  status.showRunEnded();
  if (page.run === run) page.run = null;
  conversation.endStreaming();
  if (run.reconnected && ending.kind !== "lost") {
    conversation.addNotice("info", "The connection dropped and came back:",
      "the run was followed on from the last event shown, so nothing is missing or repeated.");
  }
  const outcome = ending.event?.outcome?.type;
  if (ending.kind === "finished" && outcome === "cancelled") {
    abandon("cancelled");
    await markStoppedAnswers();
    conversation.addNotice("cancelled", "Stopped.", "The run was cancelled; what was written before it stopped is kept.");
  } else if (ending.kind === "finished" && outcome === "interrupt") {
    interrupts.showInterrupts(ending.event.outcome.interrupts);
  } else if (ending.kind === "error") {
    const { code, message } = ending.event;
    abandon("failed");
    conversation.addNotice("error", runErrorTitle(code),
      `${message ?? ""} (${code ?? "no code"}). You can send another message.`);
  } else if (ending.kind === "lost") {
    panels.setFact("outcome", "connection lost");
    abandon("unknown");
    reportLostConnection(ending.reason);
  } else if (ending.kind === "gone") {
    panels.setFact("outcome", "already over");
    conversation.addNotice("info", "The run ended before the page could follow it.",
      "Reopen the thread to see how it ended.", reopenAction());
  } else if (ending.kind === "refused" || ending.kind === "unreachable") {
    panels.setFact("outcome", ending.kind === "refused" ? `refused (${ending.code})` : "unreachable");
    await run.onRefused(ending);
  }
  await Promise.all([refreshThreads(), hooks.runEnded()]);
  if (!page.run && !page.waitingOnPerson) document.getElementById("message").focus();
}

function reopenAction() {
  const threadId = page.threadId;
  return threadId ? { label: "Reopen the thread", onClick: () => hooks.reopenThread(threadId) } : null;
}

function reportLostConnection(reason) {
  const where = page.threadId
    ? "The run may still be going on on the server: reopening the thread follows it live or shows how it ended."
    : "The turn may have started on the server: its thread will be in the list once the server answers again.";
  conversation.addNotice("error", "The connection to the server was lost before the run ended.",
    `${reason ? `(${reason}.) ` : ""}${where}`, reopenAction());
}

/** Mark the answers the server kept as stopped: it knows which partial answers it saved. */
async function markStoppedAnswers() {
  if (!page.threadId) return;
  const thread = await getThread(page.threadId).catch(() => null);
  for (const message of thread?.messages ?? []) {
    if (message.role === "assistant" && wasStopped(message)) conversation.markStopped(message.id);
  }
}

export async function stop() {
  const run = page.run;
  if (!run) return;
  status.showStopping(true);
  if (!run.runId || !page.threadId) {
    run.stopRequested = true; // sent once RUN_STARTED names the thread
    return;
  }
  try {
    await cancelRun(page.threadId);
  } catch (error) {
    conversation.addNotice("error", "Could not stop the run.", error.message);
    status.showStopping(false);
  }
}
