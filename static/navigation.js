/** Which thread is on screen: opening one shows its history and follows its active run; a new one starts empty. */

import { ApiError, getThread } from "./api.js";
import { showBranches } from "./branches.js";
import * as conversation from "./conversation.js";
import { renderHistory } from "./history.js";
import { showInterrupts } from "./interrupts.js";
import * as panels from "./panels.js";
import { followActiveRun } from "./run.js";
import { stopReplay } from "./replay.js";
import { page, setThread, showThreadInUrl, threadFromUrl } from "./state.js";
import { resetTrace } from "./trace.js";

const focusComposer = () => document.getElementById("message").focus();
const hooks = { threadShown: () => {} };

/** `threadShown(threadId | null)` hears which thread is now on screen (its state and runs follow). */
export function initNavigation({ threadShown }) {
  hooks.threadShown = threadShown;
}

export async function openThread(threadId, { replace = false } = {}) {
  if (page.run) return;
  let thread;
  try {
    thread = await getThread(threadId);
  } catch (error) {
    setThread(null, { replace: true });
    conversation.clearConversation();
    const missing = error instanceof ApiError && error.status === 404;
    conversation.addNotice("error", missing ? `There is no thread “${threadId}”.` : "Could not open the thread.",
      missing ? "It may have been deleted. Start a new one below." : error.message);
    return;
  }
  setThread(threadId, { replace });
  renderHistory(thread.messages);
  stopReplay();
  showInterrupts(thread.interrupts);
  panels.clearSteps();
  panels.clearInspector();
  resetTrace();
  hooks.threadShown(threadId);
  if (thread.active_run_id) {
    conversation.addNotice("info", "A run is going on in this thread:", "following it live.");
    followActiveRun(thread.active_run_id);
  } else {
    showBranches(threadId);
  }
  focusComposer();
}

export function newThread() {
  if (page.run) return;
  setThread(null);
  conversation.clearConversation();
  stopReplay();
  showInterrupts([]);
  panels.clearSteps();
  panels.clearInspector();
  resetTrace();
  hooks.threadShown(null);
  focusComposer();
}

/** Back and Forward move between threads, except during a run, which keeps its thread. */
export function followHistoryNavigation() {
  if (page.run) showThreadInUrl(page.threadId);
  else if (threadFromUrl()) openThread(threadFromUrl(), { replace: true });
  else newThread();
}
