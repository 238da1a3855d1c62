/** The history panel: a thread's checkpoints, newest first; one chosen shows its state as a JSON tree. */

import { el } from "./dom.js";

const $ = (id) => document.getElementById(id);

/** A JSON value as nested <details>: objects and arrays fold, leaves are text. */
export function jsonTree(value, name = null) {
  const label = name === null ? [] : [el("span", { className: "json-key" }, `${name}: `)];
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    const kind = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
    return el("details", { className: "json-node", open: name === null },
      el("summary", {}, ...label, el("span", { className: "muted" }, kind)),
      ...entries.map(([key, child]) => jsonTree(child, key)));
  }
  return el("div", { className: "json-leaf" }, ...label, el("code", {}, JSON.stringify(value)));
}

function describe(c) {
  const when = c.created_at ? new Date(c.created_at).toLocaleTimeString() : "";
  const paused = c.interrupts.length ? ` · interrupt → ${c.next.join(", ")}` : "";
  return `${c.source ?? "start"} · ${c.message_count} messages${paused} · ${when}`;
}

/** List `checkpoints` (newest first); `current` is the one shown; `onFork(id)` forks from one. */
export function renderHistoryPanel(checkpoints, { current, onFork }) {
  const list = $("checkpoints");
  if (!list) return;
  const state = $("checkpoint-state");
  state.hidden = true;
  list.replaceChildren(...checkpoints.map((c) => el("li", {
    className: "checkpoint", "data-checkpoint-id": c.checkpoint_id,
    "aria-current": c.checkpoint_id === current ? "true" : null,
  }, el("button", { type: "button", className: "checkpoint-open", title: c.checkpoint_id, onclick: () => {
    for (const item of list.children) item.classList.toggle("chosen", item === list.querySelector(
      `[data-checkpoint-id="${CSS.escape(c.checkpoint_id)}"]`));
    state.hidden = false;
    state.replaceChildren(
      el("div", { className: "checkpoint-actions" },
        el("code", {}, c.checkpoint_id.slice(0, 13)),
        el("button", { type: "button", className: "fork", "data-locked-by-run": true,
                       onclick: () => onFork(c.checkpoint_id) }, "Fork from here")),
      jsonTree(c.values ?? {}));
  } }, describe(c)))));
}
