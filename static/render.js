/**
 * Everything the page draws. Model, tool and user text is only ever inserted as
 * text nodes (`textContent`), never parsed as HTML, so a message that contains
 * markup shows the markup and runs nothing.
 */

const $ = (id) => document.getElementById(id);

/** An element with attributes (or properties, for `on*` and `className`) and children; strings become text. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") || name === "className") node[name] = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// ---- Markdown-ish text: fenced code blocks, `code` and **bold**, built from text nodes.

const FENCE = /```[^\n]*\n?([\s\S]*?)(?:```|$)/g;
const INLINE = /(`[^`\n]+`|\*\*[^*\n]+\*\*)/;

function inlineNodes(text) {
  return text.split(INLINE).filter(Boolean).map((part) => {
    if (part.startsWith("`") && part.endsWith("`") && part.length > 1) return el("code", {}, part.slice(1, -1));
    if (part.startsWith("**") && part.endsWith("**") && part.length > 4) return el("strong", {}, part.slice(2, -2));
    return document.createTextNode(part);
  });
}

function richText(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(FENCE)) {
    nodes.push(...inlineNodes(text.slice(last, match.index)));
    nodes.push(el("pre", {}, el("code", {}, match[1])));
    last = match.index + match[0].length;
  }
  nodes.push(...inlineNodes(text.slice(last)));
  return nodes;
}

// ---- The conversation.

const conversation = () => $("conversation");

function keepScrolledToEnd(action) {
  const box = conversation();
  const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  const result = action();
  if (atEnd) box.scrollTop = box.scrollHeight;
  return result;
}

function find(selector, key, value) {
  return conversation().querySelector(`${selector}[${key}="${CSS.escape(value)}"]`);
}

export function clearConversation() {
  conversation().replaceChildren(
    el("p", { className: "hint" },
      "Send a message to start. Try “what is 12 * 7?” or “what time is it in Europe/Paris” to see a tool call."),
  );
}

function add(node) {
  return keepScrolledToEnd(() => {
    conversation().querySelector(":scope > .hint")?.remove();
    conversation().append(node);
    return node;
  });
}

export function addUserMessage(text, id = "") {
  return add(el("article", { className: "message user", "data-message-id": id },
    el("header", {}, "You"), el("div", { className: "text" }, ...richText(text))));
}

/** The assistant message `id`, made if it is not on the page yet. */
function assistantMessage(id) {
  let message = find(".message", "data-message-id", id);
  if (!message) {
    message = add(el("article", { className: "message assistant", "data-message-id": id },
      el("header", {}, "Assistant"), el("div", { className: "text" })));
    message.dataset.text = "";
  }
  return message;
}

function setText(message, text) {
  message.dataset.text = text;
  keepScrolledToEnd(() => message.querySelector(".text").replaceChildren(...richText(text)));
}

export function startAssistantText(id) {
  const message = assistantMessage(id);
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

/** A notice in the conversation: kind is "error", "cancelled" or "info". */
export function addNotice(kind, title, detail = "") {
  return add(el("div", { className: `notice ${kind}`, role: kind === "error" ? "alert" : "status" },
    el("strong", {}, title), detail ? el("span", {}, ` ${detail}`) : null));
}

// ---- Tool calls: one collapsible card per call.

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
  for (const card of conversation().querySelectorAll(".tool-call")) {
    if (card.dataset.status === "calling" || card.dataset.status === "running") {
      card.querySelector(".tool-result").textContent = "no result";
      setToolStatus(card, status);
    }
  }
  for (const message of conversation().querySelectorAll(".message.streaming")) message.classList.remove("streaming");
}

/** The thread's messages (AG-UI messages from GET /api/threads/{id}). */
export function renderHistory(messages) {
  clearConversation();
  for (const message of messages) {
    if (message.role === "user") addUserMessage(message.content ?? "", message.id);
    else if (message.role === "assistant") {
      if (message.content) addAssistantMessage(message.id, message.content);
      for (const call of message.toolCalls ?? []) addToolCall(call.id, call.function.name, call.function.arguments);
    } else if (message.role === "tool") {
      setToolResult(message.toolCallId, message.content ?? "", { error: Boolean(message.error) });
    }
  }
}
