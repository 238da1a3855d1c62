/** The debug page's entry point: wires the modules to the page's controls and opens the thread in the URL. */

import { readiness } from "./api.js";
import { showBranches } from "./branches.js";
import { initComposer } from "./composer.js";
import { clearConversation } from "./conversation.js";
import { copyButtonFor } from "./copy.js";
import { filterByNode, initEvents } from "./events_view.js";
import { clearSelection, initGraph } from "./graph_view.js";
import { initKeys } from "./keys.js";
import { foldPanels, initLayout } from "./layout.js";
import { followHistoryNavigation, initNavigation, newThread, openThread } from "./navigation.js";
import * as panels from "./panels.js";
import { initInterrupts } from "./interrupts.js";
import { replayRun } from "./replay.js";
import { initRuns, startResume, stop } from "./run.js";
import { initRunsList, refreshRuns } from "./runs_list.js";
import { page, threadFromUrl } from "./state.js";
import { refreshState } from "./state_view.js";
import { initThreads, refreshThreads } from "./threads.js";

const $ = (id) => document.getElementById(id);

function start() {
  initLayout();
  initEvents();
  initKeys();
  initComposer();
  initRuns({
    reopenThread: (threadId) => openThread(threadId, { replace: true }),
    runStarted: () => refreshRuns(page.threadId),
    stepFinished: () => refreshState(page.threadId),
    runEnded: () =>
      Promise.all([refreshState(page.threadId), refreshRuns(page.threadId), showBranches(page.threadId)]),
  });
  initNavigation({
    threadShown: (threadId) => {
      foldPanels();
      refreshState(threadId);
      refreshRuns(threadId);
    },
  });
  initInterrupts({ resume: startResume, reopen: (threadId) => openThread(threadId, { replace: true }) });
  initThreads({
    onOpen: (threadId) => openThread(threadId),
    onDeleted: (threadId) => threadId === page.threadId && newThread(),
  });
  initRunsList({ onChoose: replayRun });
  initGraph({
    onSelect: (node) => {
      filterByNode(node);
      panels.filterStepsByNode(node);
    },
  });
  $("clear-node-filter").addEventListener("click", clearSelection);
  copyButtonFor($("copy-thread"), "the thread id", () => page.threadId ?? "");
  copyButtonFor($("copy-run"), "the run id", () => document.querySelector('[data-fact="run"]').textContent);
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
  else {
    refreshState(null);
    refreshRuns(null);
  }
  refreshThreads();
}

start();
