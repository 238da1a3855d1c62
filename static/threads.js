/** The sidebar's thread list: newest first, older ones on demand, delete on a confirming second click. */

import { deleteThread, listThreads } from "./api.js";
import { addNotice } from "./conversation.js";
import { el } from "./dom.js";

const $ = (id) => document.getElementById(id);
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const CONFIRM_MS = 3000;

const list = { olderBefore: null, currentId: null, onOpen: () => {}, onDeleted: () => {} };

/** `onOpen(threadId)` opens a thread; `onDeleted(threadId)` follows a deletion. */
export function initThreads({ onOpen, onDeleted }) {
  Object.assign(list, { onOpen, onDeleted });
  $("more-threads").addEventListener("click", () => refreshThreads({ older: true }));
}

function formatWhen(iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of [["minute", 60], ["hour", 3600], ["day", 86400]]) {
    const amount = Math.round(seconds / size);
    if (Math.abs(amount) < (unit === "minute" ? 60 : unit === "hour" ? 24 : 7)) return relative.format(amount, unit);
  }
  return new Date(iso).toLocaleDateString();
}

function threadItem(thread, locked) {
  const count = thread.message_count === 1 ? "1 message" : `${thread.message_count} messages`;
  const name = thread.title || thread.thread_id;
  return el("li", { className: "thread", "data-thread-id": thread.thread_id,
                    "aria-current": thread.thread_id === list.currentId ? "true" : null },
    el("button", { type: "button", className: "thread-open", disabled: locked,
                   title: new Date(thread.updated_at).toLocaleString(), onclick: () => list.onOpen(thread.thread_id) },
      el("span", { className: "thread-title" }, name),
      el("span", { className: "thread-meta" }, `${formatWhen(thread.updated_at)} · ${count}`)),
    el("button", { type: "button", className: "thread-delete", disabled: locked,
                   "aria-label": `Delete thread ${name}`, title: "Delete thread",
                   onclick: (event) => removeThread(thread.thread_id, event.currentTarget) }, "×"));
}

/** Load the newest threads again, or (`older`) the next page after those shown. */
export async function refreshThreads({ older = false } = {}) {
  const shown = $("threads");
  let page;
  try {
    page = await listThreads({ before: older ? list.olderBefore : null });
  } catch (error) {
    shown.replaceChildren(el("li", { className: "hint error" }, `Could not load the threads: ${error.message}.`));
    return;
  }
  list.olderBefore = page.next_before;
  $("more-threads").hidden = !page.next_before;
  if (!older) shown.replaceChildren();
  const locked = document.body.classList.contains("running");
  shown.append(...page.threads.map((thread) => threadItem(thread, locked)));
  if (!shown.children.length) shown.append(el("li", { className: "hint" }, "No threads yet."));
}

async function removeThread(threadId, button) {
  if (button.dataset.confirming !== "true") {
    button.dataset.confirming = "true";
    button.textContent = "Delete?";
    setTimeout(() => {
      button.dataset.confirming = "false";
      button.textContent = "×";
    }, CONFIRM_MS);
    return;
  }
  try {
    await deleteThread(threadId);
  } catch (error) {
    addNotice("error", "Could not delete the thread.", error.message);
    return;
  }
  list.onDeleted(threadId);
  await refreshThreads();
}

/** Highlight the thread on screen (null: a new thread). */
export function markCurrentThread(threadId) {
  list.currentId = threadId;
  for (const item of $("threads").querySelectorAll(".thread")) {
    if (item.dataset.threadId === threadId) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
  }
}
