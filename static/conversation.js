/** The conversation: user and assistant messages, and notices that say in words what happened. */

import { copyButton } from "./copy.js";
import { el, richText } from "./dom.js";

const box = () => document.getElementById("conversation");

/** Run `action`, then keep the conversation scrolled to its end if it was there before. */
export function keepScrolledToEnd(action) {
  const conversation = box();
  const atEnd = conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight < 60;
  const result = action();
  if (atEnd) conversation.scrollTop = conversation.scrollHeight;
  return result;
}

/** The element matching `selector` whose attribute `key` is `value`, if it is on the page. */
export function find(selector, key, value) {
  return box().querySelector(`${selector}[${key}="${CSS.escape(value)}"]`);
}

/** Every element in the conversation matching `selector`. */
export const findAll = (selector) => box().querySelectorAll(selector);

export function clearConversation() {
  box().replaceChildren(
    el("p", { className: "hint" },
      "Send a message to start. Try “what is 12 * 7?” or “what time is it in Europe/Paris” to see a tool call."),
  );
}

/** Append `node` at the end of the conversation. */
export function add(node) {
  return keepScrolledToEnd(() => {
    box().querySelector(":scope > .hint")?.remove();
    box().append(node);
    return node;
  });
}

/** A message's header: who speaks, and a button that copies its text. */
function header(who, message) {
  return el("header", {}, el("span", { className: "speaker" }, who),
    copyButton("the message", () => message.dataset.text ?? message.querySelector(".text").textContent));
}

export function addUserMessage(text, id = "") {
  const message = el("article", { className: "message user", "data-message-id": id });
  message.append(header("You", message), el("div", { className: "text" }, ...richText(text)));
  return add(message);
}

/** Say on a user message that the server refused it, so it is not part of the thread. */
export function markNotSent(message) {
  message.classList.add("not-sent");
  message.querySelector(".speaker").append(el("span", { className: "label" }, "not sent"));
}

/** The assistant message `id`, made if it is not on the page yet; `speaker` names a sub-agent. */
function assistantMessage(id, speaker = null) {
  let message = find(".message", "data-message-id", id);
  if (!message) {
    message = el("article", { className: "message assistant", "data-message-id": id });
    message.append(header("Assistant", message), el("div", { className: "text" }));
    if (speaker) {
      message.classList.add("subagent");
      message.dataset.subagent = speaker;
      message.querySelector(".speaker").append(
        el("span", { className: "label subagent-label", title: "A sub-agent (subgraph) of the graph wrote this" }, speaker));
    }
    add(message);
    message.dataset.text = "";
  }
  return message;
}

function setText(message, text) {
  message.dataset.text = text;
  keepScrolledToEnd(() => message.querySelector(".text").replaceChildren(...richText(text)));
}

export function startAssistantText(id, speaker = null) {
  const message = assistantMessage(id, speaker);
  message.classList.add("streaming");
  setText(message, "");
}

export function appendAssistantText(id, delta) {
  const message = assistantMessage(id);
  setText(message, message.dataset.text + delta);
}

export function endAssistantText(id) {
  assistantMessage(id).classList.remove("streaming");
}

export function addAssistantMessage(id, text) {
  setText(assistantMessage(id), text);
}

/** Say on the assistant message `id` that it was stopped before it was finished. */
export function markStopped(id) {
  const message = find(".message.assistant", "data-message-id", id);
  if (!message || message.classList.contains("stopped")) return;
  message.classList.add("stopped");
  message.querySelector(".speaker").append(
    el("span", { className: "label", title: "The run was stopped while this answer was being written" }, "stopped"));
}

/** No message is still being written once its run has ended. */
export function endStreaming() {
  for (const message of findAll(".message.streaming")) message.classList.remove("streaming");
}

/** A notice in the conversation: kind is "error", "cancelled" or "info"; `action` is an optional button. */
export function addNotice(kind, title, detail = "", action = null) {
  return add(el("div", { className: `notice ${kind}`, role: kind === "error" ? "alert" : "status" },
    el("strong", {}, title), detail ? el("span", {}, ` ${detail}`) : null,
    action ? el("button", { type: "button", className: "notice-action", onclick: action.onClick }, action.label) : null));
}
