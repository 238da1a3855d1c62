/**
 * The run's status line (spinner, elapsed time, the connection's state, Stop),
 * the controls a run locks, and the run's speed in the inspector.
 */

import { formatMs, setFact } from "./panels.js";

const $ = (id) => document.getElementById(id);
const TICK_MS = 100;

const status = { startedAt: 0, timer: null, connection: "" };

function tick() {
  const seconds = ((performance.now() - status.startedAt) / 1000).toFixed(1);
  $("elapsed").textContent = [`Running · ${seconds} s`, status.connection].filter(Boolean).join(" · ");
}

/** While a run goes on, navigation that would abandon it and the send box are disabled. */
function setRunning(running) {
  document.body.classList.toggle("running", running);
  $("run-status").hidden = !running;
  $("stop").disabled = !running;
  $("stop").textContent = "Stop";
  for (const control of document.querySelectorAll("[data-locked-by-run]")) control.disabled = running;
  for (const control of $("threads").querySelectorAll("button")) control.disabled = running;
}

export function showRunStarted(startedAt) {
  Object.assign(status, { startedAt, connection: "" });
  setRunning(true);
  tick();
  status.timer = setInterval(tick, TICK_MS);
}

export function showRunEnded() {
  clearInterval(status.timer);
  setRunning(false);
}

/** Say how the connection is doing (an empty string: fine). */
export function showConnection(text) {
  status.connection = text;
  document.body.classList.toggle("reconnecting", Boolean(text));
  tick();
}

export function showStopping(stopping) {
  $("stop").disabled = stopping;
  $("stop").textContent = stopping ? "Stopping…" : "Stop";
}

/** Time to first token and tokens per second, as the text arrives (`now` in ms since the run started). */
export function countToken(run, now) {
  run.tokens += 1;
  run.lastTokenAt = now;
  if (run.firstTokenAt === null) {
    run.firstTokenAt = now;
    setFact("ttft", formatMs(now));
  }
  const seconds = (run.lastTokenAt - run.firstTokenAt) / 1000;
  if (run.tokens > 1 && seconds > 0) setFact("rate", `${((run.tokens - 1) / seconds).toFixed(1)} tokens/s`);
}
