/**
 * The run's raw events in the inspector: one row per event, except that a message's tokens
 * (TEXT_MESSAGE_CONTENT) and a tool call's argument chunks (TOOL_CALL_ARGS) are one row each,
 * expandable. Rows can be filtered by type, by graph node (a click on the graph) and by a search of
 * their JSON; each has a copy button. Everything is inserted as text.
 */

import { copyButton } from "./copy.js";
import { el } from "./dom.js";
import { formatMs } from "./panels.js";

const $ = (id) => document.getElementById(id);
const GROUPED = { TEXT_MESSAGE_CONTENT: "messageId", TOOL_CALL_ARGS: "toolCallId" };

const log = { groups: new Map(), types: new Set(), node: null };

export function initEvents() {
  $("event-type").addEventListener("change", applyFilters);
  $("event-search").addEventListener("input", applyFilters);
  clearEvents();
}

export function clearEvents() {
  log.groups.clear();
  log.types.clear();
  $("event-log").replaceChildren();
  $("event-type").replaceChildren(el("option", { value: "" }, "all types"));
  updateCount();
}

/** Show only the events of `node` (a graph node id), or all with null. */
export function filterByNode(node) {
  log.node = node;
  $("node-filter").hidden = !node;
  $("node-filter-name").textContent = node ?? "";
  applyFilters();
}

function addType(type) {
  if (log.types.has(type)) return;
  log.types.add(type);
  $("event-type").append(el("option", { value: type }, type));
}

function row(event, atMs, node, body) {
  return el("li", { "data-type": event.type, "data-node": node ?? "" },
    el("details", {},
      el("summary", {},
        el("span", { className: "event-time" }, atMs === null ? "" : `+${formatMs(atMs)}`),
        el("span", { className: "event-type" }, event.type),
        el("span", { className: "event-note" }),
        el("span", { className: "event-node" }, node ?? "")),
      body));
}

/** Add `event` (at `atMs` since the run started, or null for a replay) as seen in graph node `node`. */
export function logEvent(event, atMs, node) {
  const list = $("event-log");
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  addType(event.type);
  const key = GROUPED[event.type] && `${event.type}:${event[GROUPED[event.type]]}`;
  const group = key && log.groups.get(key);
  if (group) {
    group.events.push(event);
    group.text += event.delta ?? "";
    group.pre.textContent = group.text;
    group.row.querySelector(".event-note").textContent = `×${group.events.length}`;
    group.row.dataset.search = `${group.row.dataset.search}${event.delta ?? ""}`.toLowerCase();
  } else {
    const json = JSON.stringify(event, null, 2);
    const pre = el("pre", {}, key ? event.delta ?? "" : json);
    const entry = { events: [event], text: event.delta ?? "", pre };
    const copy = key
      ? copyButton(event.type === "TOOL_CALL_ARGS" ? "the arguments" : "the message", () => entry.text)
      : copyButton("the event's JSON", () => json);
    entry.row = row(event, atMs, node, el("div", { className: "event-body" }, copy, pre));
    entry.row.dataset.search = JSON.stringify(event).toLowerCase();
    if (key) {
      entry.row.querySelector(".event-note").textContent = "×1";
      log.groups.set(key, entry);
    }
    list.append(entry.row);
    filterRow(entry.row);
  }
  updateCount();
  if (atEnd) list.scrollTop = list.scrollHeight;
}

function filterRow(item) {
  const type = $("event-type").value;
  const search = $("event-search").value.trim().toLowerCase();
  item.hidden = Boolean((type && item.dataset.type !== type)
    || (log.node && !(item.dataset.node === log.node || item.dataset.node.startsWith(`${log.node}:`)))
    || (search && !item.dataset.search.includes(search)));
}

function applyFilters() {
  for (const item of $("event-log").children) filterRow(item);
  updateCount();
}

function updateCount() {
  const items = [...$("event-log").children];
  const shown = items.filter((item) => !item.hidden).length;
  $("event-count").textContent = shown === items.length ? String(items.length) : `${shown} of ${items.length}`;
}
