/**
 * Which thread the page shows and which run it follows. The thread is also in
 * the URL (`?thread=…`), so a reload or a shared link reopens it.
 */

import { setFact } from "./panels.js";
import { markCurrentThread } from "./threads.js";

export const page = {
  threadId: null,
  run: null, // the run on screen (see run.js), or null
  checkpointId: null, // the next turn starts from this checkpoint (a branch shown, a fork); null: the head
};

export function threadFromUrl() {
  return new URLSearchParams(location.search).get("thread");
}

/** Put `threadId` in the URL: a new history entry, or (`replace`) the current one. */
export function showThreadInUrl(threadId, { replace = false } = {}) {
  const url = new URL(location.href);
  if (threadId) url.searchParams.set("thread", threadId);
  else url.searchParams.delete("thread");
  if (url.href === location.href) return;
  if (replace) history.replaceState({ threadId }, "", url);
  else history.pushState({ threadId }, "", url);
}

export function setThread(threadId, { replace = false } = {}) {
  page.threadId = threadId;
  page.checkpointId = null;
  showThreadInUrl(threadId, { replace });
  markCurrentThread(threadId);
  document.getElementById("current-thread").textContent = threadId ? `thread ${threadId}` : "new thread";
  setFact("thread", threadId);
}
