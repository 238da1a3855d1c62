/**
 * The panel beside the conversation: the step timeline and progress, and the
 * inspector's facts about the run (its raw events are events_view.js). Like the conversation,
 * it inserts every piece of text as text, never as HTML.
 */

import { el } from "./dom.js";
import { clearEvents } from "./events_view.js";

const $ = (id) => document.getElementById(id);

// ---- Steps: a timeline of graph nodes, and CUSTOM progress.

export function clearSteps() {
  $("steps").replaceChildren(el("li", { className: "hint" }, "Graph nodes appear here as they run."));
  $("progress").hidden = true;
}

export function formatMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The list a step of subagent `scope` goes in: nested under the step that runs it, or the top. */
function stepList(scope) {
  return (scope && $("steps").querySelector(`ol[data-scope="${CSS.escape(scope)}"]`)) || $("steps");
}

/** A step began: `node` is its graph node id, `scope` its subagent (null at the top); `atMs` null in a replay. */
export function stepStarted(name, atMs, { node = name, scope = null } = {}) {
  $("steps").querySelector(":scope > .hint")?.remove();
  const step = el("li", { className: "step running", "data-step": name, "data-node": node, "data-started": atMs ?? "" },
    el("span", { className: "step-name" }, name),
    el("span", { className: "step-time" }, atMs === null ? "" : `+${formatMs(atMs)}`),
    el("span", { className: "step-duration" }, "running"));
  stepList(scope).append(step);
  filterStep(step);
}

export function stepFinished(name, atMs, { scope = null } = {}) {
  const running = [...stepList(scope).querySelectorAll(":scope > .step.running")].filter((step) => step.dataset.step === name);
  const step = running.at(-1);
  if (!step) return;
  step.classList.replace("running", "finished");
  step.querySelector(".step-duration").textContent =
    atMs === null || step.dataset.started === "" ? "done" : formatMs(atMs - Number(step.dataset.started));
}

/** A subgraph began inside the running step of node `node`: its steps (of subagent `scope`) nest there. */
export function nestSubagent(scope, node, parentScope) {
  const parent = [...stepList(parentScope).querySelectorAll(":scope > .step.running")]
    .filter((step) => step.dataset.node === node).at(-1);
  parent?.append(el("ol", { className: "substeps", "data-scope": scope }));
}

let stepNode = null;

function filterStep(step) {
  const node = step.dataset.node;
  step.classList.toggle("filtered-out", Boolean(stepNode) && !(node === stepNode
    || node.startsWith(`${stepNode}:`) || stepNode.startsWith(`${node}:`)));
}

/** Show only the steps of graph node `node` (and those around it), or all with null. */
export function filterStepsByNode(node) {
  stepNode = node;
  for (const step of $("steps").querySelectorAll(".step")) filterStep(step);
}

/** Mark the steps still running when the run ended. */
export function abandonSteps(status) {
  for (const step of $("steps").querySelectorAll(".step.running")) {
    step.classList.replace("running", "abandoned");
    step.querySelector(".step-duration").textContent = status;
  }
}

/** A progress value from CUSTOM "progress": a fraction, a percentage, a message, or an object of them. */
function describeProgress(value) {
  if (typeof value === "number") return { fraction: value > 1 ? value / 100 : value, message: "" };
  if (typeof value !== "object" || value === null) return { fraction: null, message: String(value ?? "") };
  const message = value.message ?? value.text ?? value.label ?? value.status ?? "";
  let fraction = value.fraction ?? value.progress ?? null;
  if (typeof value.percent === "number") fraction = value.percent / 100;
  const done = value.done ?? value.current ?? value.step;
  if (fraction === null && typeof done === "number" && value.total) fraction = done / value.total;
  return { fraction: typeof fraction === "number" ? Math.min(Math.max(fraction, 0), 1) : null, message: String(message) };
}

export function showProgress(value) {
  const { fraction, message } = describeProgress(value);
  const bar = $("progress-bar");
  if (fraction === null) bar.removeAttribute("value");
  else bar.value = fraction;
  $("progress-text").textContent = [fraction === null ? "" : `${Math.round(fraction * 100)}%`, message]
    .filter(Boolean).join(" · ");
  $("progress").hidden = false;
}

// ---- The inspector: facts about the run and its raw events.

export function setFact(name, value) {
  const fact = document.querySelector(`#run-facts [data-fact="${name}"]`);
  if (fact) fact.textContent = value ?? "–";
}

export function clearInspector() {
  for (const fact of document.querySelectorAll("#run-facts [data-fact]")) {
    if (fact.dataset.fact !== "model" && fact.dataset.fact !== "thread") fact.textContent = "–";
  }
  clearEvents();
}
