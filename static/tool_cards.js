/** Tool calls in the conversation: one collapsible card per call, with its arguments, result and status. */

import { add, find, findAll } from "./conversation.js";
import { el } from "./dom.js";

function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function toolCard(toolCallId, name = "tool") {
  let card = find(".tool-call", "data-tool-call-id", toolCallId);
  if (!card) {
    card = add(el("details", { className: "tool-call", "data-tool-call-id": toolCallId, open: true },
      el("summary", {},
        el("span", { className: "tool-name" }, name),
        el("span", { className: "tool-status" }, "calling")),
      el("div", { className: "tool-section" }, el("h4", {}, "Arguments"), el("pre", { className: "tool-args" })),
      el("div", { className: "tool-section" }, el("h4", {}, "Result"),
        el("pre", { className: "tool-result pending" }, "waiting…"))));
    card.dataset.args = "";
  }
  return card;
}

function setToolStatus(card, status) {
  card.dataset.status = status;
  card.querySelector(".tool-status").textContent = status;
}

export function startToolCall(toolCallId, name) {
  const card = toolCard(toolCallId, name);
  card.querySelector(".tool-name").textContent = name;
  card.dataset.args = "";
  card.querySelector(".tool-args").textContent = "";
  setToolStatus(card, "calling");
}

export function appendToolArgs(toolCallId, delta) {
  const card = toolCard(toolCallId);
  card.dataset.args += delta;
  card.querySelector(".tool-args").textContent = card.dataset.args;
}

export function endToolCall(toolCallId) {
  const card = toolCard(toolCallId);
  card.querySelector(".tool-args").textContent = prettyJson(card.dataset.args);
  setToolStatus(card, "running");
}

export function setToolResult(toolCallId, content, { error = false } = {}) {
  const card = toolCard(toolCallId);
  const result = card.querySelector(".tool-result");
  result.classList.remove("pending");
  result.textContent = prettyJson(content);
  setToolStatus(card, error ? "error" : "done");
}

/** A whole tool call, as the thread's history has it. */
export function addToolCall(toolCallId, name, argumentsText) {
  startToolCall(toolCallId, name);
  appendToolArgs(toolCallId, argumentsText);
  endToolCall(toolCallId);
}

/** Close the cards of calls the run left without a result. */
export function abandonToolCalls(status) {
  for (const card of findAll(".tool-call")) {
    if (card.dataset.status === "calling" || card.dataset.status === "running") {
      card.querySelector(".tool-result").textContent = "no result";
      setToolStatus(card, status);
    }
  }
}
