/** The debug page's entry point: wires the modules to the page's controls and opens the thread in the URL. */

import { readiness } from "./api.js";
import { showBranches } from "./branches.js";
import { initComposer } from "./composer.js";
import { clearConversation } from "./conversation.js";
import { followHistoryNavigation, newThread, openThread } from "./navigation.js";
import * as panels from "./panels.js";
import { initRuns, stop } from "./run.js";
import { page, threadFromUrl } from "./state.js";
import { initThreads, refreshThreads } from "./threads.js";

const $ = (id) => document.getElementById(id);

function start() {
  initComposer();
  initRuns({
    reopenThread: (threadId) => openThread(threadId, { replace: true }),
    onRunEnded: () => showBranches(page.threadId),
  });
  initThreads({
    onOpen: (threadId) => openThread(threadId),
    onDeleted: (threadId) => threadId === page.threadId && newThread(),
  });
  $("stop").addEventListener("click", stop);
  $("new-thread").addEventListener("click", newThread);
  window.addEventListener("popstate", followHistoryNavigation);
  clearConversation();
  panels.clearSteps();
  panels.clearInspector();
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
