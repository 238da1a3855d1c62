/**
 * The thread's state (GET /api/threads/{id}/state): every channel as a JSON tree, and what changed
 * since the state shown before it. Refreshed when the thread opens, when a step finishes and when a
 * run ends; with DURABILITY=exit the checkpoint, and so the state, changes once, at the run's end.
 */

import { getThreadState } from "./api.js";
import { copyButton } from "./copy.js";
import { el } from "./dom.js";

const $ = (id) => document.getElementById(id);
const view = { threadId: null, values: null, asked: 0 };
const PREVIEW = 80;

function preview(value) {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

/** A JSON value as nested, expandable rows; `open` unfolds the first levels. */
function tree(key, value, depth = 0) {
  if (value === null || typeof value !== "object") {
    return el("div", { className: "json-leaf" }, el("span", { className: "json-key" }, key),
      el("span", { className: `json-value json-${value === null ? "null" : typeof value}` }, JSON.stringify(value)));
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const size = Array.isArray(value) ? `[${value.length}]` : `{${entries.length}}`;
  return el("details", { className: "json-node", open: depth < 1 },
    el("summary", {}, el("span", { className: "json-key" }, key), el("span", { className: "json-size" }, size)),
    ...entries.map(([k, v]) => tree(k, v, depth + 1)));
}

/** What differs between two JSON values, as [path, kind, before, after] rows. */
function diff(before, after, path = "", rows = []) {
  if (JSON.stringify(before) === JSON.stringify(after)) return rows;
  const objects = before && after && typeof before === "object" && typeof after === "object"
    && Array.isArray(before) === Array.isArray(after);
  if (!objects || path.split(/[.[]/).length > 3) {
    rows.push([path || "(state)", before === undefined ? "added" : after === undefined ? "removed" : "changed", before, after]);
    return rows;
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    diff(before[key], after[key], Array.isArray(after) ? `${path}[${key}]` : path ? `${path}.${key}` : key, rows);
  }
  return rows;
}

function showDiff(rows, label) {
  $("state-diff").replaceChildren(
    el("h3", {}, label),
    rows.length
      ? el("ul", { className: "diff" }, ...rows.map(([path, kind, before, after]) =>
        el("li", { className: `diff-${kind}`, "data-path": path },
          el("span", { className: "diff-kind" }, kind === "added" ? "+" : kind === "removed" ? "−" : "~"),
          el("code", {}, path),
          el("span", { className: "diff-value" },
            kind === "changed" ? `${preview(before)} → ${preview(after)}` : preview(kind === "added" ? after : before)))))
      : el("p", { className: "hint" }, "Nothing changed."));
}

/** Show the state of `threadId` (null: a new thread, no state yet). */
export async function refreshState(threadId) {
  const asked = ++view.asked;
  if (threadId !== view.threadId) {
    view.threadId = threadId;
    view.values = null;
  }
  if (!threadId) {
    $("state-facts").textContent = "No thread yet.";
    $("state-tree").replaceChildren();
    $("state-diff").replaceChildren();
    return;
  }
  let state;
  try {
    state = await getThreadState(threadId);
  } catch (error) {
    if (asked === view.asked) $("state-facts").textContent = `The state could not be read: ${error.message}`;
    return;
  }
  if (asked !== view.asked || threadId !== view.threadId) return;
  $("state-facts").replaceChildren(
    el("span", {}, state.checkpoint_id ? `checkpoint ${state.checkpoint_id}` : "no checkpoint yet"),
    state.checkpoint_id ? copyButton("the checkpoint id", () => state.checkpoint_id) : null,
    el("span", {}, state.step === null ? "" : ` · step ${state.step}`),
    el("span", {}, state.next.length ? ` · next: ${state.next.join(", ")}` : ""));
  $("state-tree").replaceChildren(...Object.entries(state.values).map(([channel, value]) => tree(channel, value)));
  if (view.values !== null) {
    const rows = diff(view.values, state.values);
    if (rows.length) showDiff(rows, "What the last step changed");
  } else {
    $("state-diff").replaceChildren();
  }
  view.values = state.values;
}
