/**
 * The panel beside the conversation: the step timeline and progress, and the
 * inspector (facts about the run and its raw events). Like the conversation,
 * it inserts every piece of text as text, never as HTML.
 */

import { el } from "./dom.js";

const $ = (id) => document.getElementById(id);

// ---- Steps: a timeline of graph nodes, and CUSTOM progress.

export function clearSteps() {
  $("steps").replaceChildren(el("li", { className: "hint" }, "Graph nodes appear here as they run."));
  $("progress").hidden = true;
}

export function formatMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function stepStarted(name, atMs) {
  $("steps").querySelector(":scope > .hint")?.remove();
  $("steps").append(el("li", { className: "step running", "data-step": name, "data-started": atMs },
    el("span", { className: "step-name" }, name),
    el("span", { className: "step-time" }, `+${formatMs(atMs)}`),
    el("span", { className: "step-duration" }, "running")));
}

export function stepFinished(name, atMs) {
  const running = [...$("steps").querySelectorAll(".step.running")].filter((step) => step.dataset.step === name);
  const step = running.at(-1);
  if (!step) return;
  step.classList.replace("running", "finished");
  step.querySelector(".step-duration").textContent = formatMs(atMs - Number(step.dataset.started));
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
  $("event-log").replaceChildren();
  $("event-count").textContent = "0";
}

export function logEvent(event, atMs) {
  const log = $("event-log");
  const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.append(el("li", { "data-type": event.type },
    el("details", {},
      el("summary", {},
        el("span", { className: "event-time" }, `+${formatMs(atMs)}`),
        el("span", { className: "event-type" }, event.type)),
      el("pre", {}, JSON.stringify(event, null, 2)))));
  $("event-count").textContent = String(log.children.length);
  if (atEnd) log.scrollTop = log.scrollHeight;
}
