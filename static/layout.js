/**
 * The page's panels: the inspector's tabs (events, state, history) and, on a narrow screen, the
 * thread list and the debugger folded away behind the buttons of the top bar.
 */

const $ = (id) => document.getElementById(id);

function showTab(name) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const chosen = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(chosen));
    $(tab.getAttribute("aria-controls")).hidden = !chosen;
  }
}

/** Unfold `name` ("threads" or "debugger") over the conversation, or fold it (null). */
function unfold(name) {
  document.body.dataset.unfolded = name ?? "";
  for (const button of document.querySelectorAll("[data-unfolds]")) {
    button.setAttribute("aria-expanded", String(button.dataset.unfolds === name));
  }
}

export function initLayout() {
  for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => showTab(tab.dataset.tab));
  for (const button of document.querySelectorAll("[data-unfolds]")) {
    button.addEventListener("click", () => unfold(document.body.dataset.unfolded === button.dataset.unfolds ? null : button.dataset.unfolds));
  }
  for (const button of document.querySelectorAll("[data-folds]")) button.addEventListener("click", () => unfold(null));
  document.addEventListener("keydown", (event) => event.key === "Escape" && !document.body.classList.contains("running") && unfold(null));
  showTab("events");
}

/** On a narrow screen, opening a thread shows its conversation. */
export const foldPanels = () => unfold(null);
