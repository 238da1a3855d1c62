/**
 * A thread's branches in the conversation: Regenerate on each answer, Edit on
 * each user message (in place; sending continues from the checkpoint before
 * it), and ‹ k / n › where a turn has variants on other branches. Read from
 * GET /api/threads/{id}/history; a turn from a checkpoint is an ordinary turn
 * with `checkpoint_id`.
 */

import { getHistory } from "./api.js";
import * as conversation from "./conversation.js";
import { el } from "./dom.js";
import { renderHistory } from "./history.js";
import { renderHistoryPanel } from "./history_panel.js";
import { startTurn } from "./run.js";
import { page } from "./state.js";

const HISTORY_LIMIT = 200;

/** The thread's checkpoints as a tree: by id, children by parent, the head. */
async function loadTree(threadId) {
  const { checkpoints } = await getHistory(threadId, { values: true, limit: HISTORY_LIMIT });
  const byId = new Map(checkpoints.map((c) => [c.checkpoint_id, c]));
  const children = new Map();
  for (const c of [...checkpoints].reverse()) {
    const siblings = children.get(c.parent_checkpoint_id) ?? [];
    siblings.push(c);
    children.set(c.parent_checkpoint_id, siblings);
  }
  return { head: checkpoints[0] ?? null, byId, children, checkpoints };
}

/** `id` and its ancestors, newest first. */
function chain(tree, id) {
  const found = [];
  for (let c = tree.byId.get(id); c; c = tree.byId.get(c.parent_checkpoint_id)) found.push(c);
  return found;
}

/** The newest checkpoint at or below `id`: where its branch is now. */
function leaf(tree, id) {
  let newest = tree.byId.get(id);
  for (const child of tree.children.get(id) ?? []) {
    const candidate = leaf(tree, child.checkpoint_id);
    if (candidate.checkpoint_id > newest.checkpoint_id) newest = candidate;
  }
  return newest;
}

/** The checkpoint on the shown branch that holds the first `index` messages: where a turn from there starts. */
const forkPoint = (branch, index) => branch.find((c) => c.message_count === index) ?? null;

/** Draw the branch of `checkpointId` (the head if null) and its controls; the next turn continues from it. */
export async function showBranches(threadId, checkpointId = null) {
  if (!threadId) return;
  const tree = await loadTree(threadId).catch(() => null);
  if (!tree?.head || threadId !== page.threadId || page.run) return;
  const shown = tree.byId.get(checkpointId) ?? tree.head;
  page.checkpointId = shown === tree.head ? null : shown.checkpoint_id;
  if (checkpointId) renderHistory(shown.values.messages);
  decorate(tree, shown);
  renderHistoryPanel(tree.checkpoints, {
    current: shown.checkpoint_id,
    onFork: (id) => forkFrom(threadId, id),
  });
}

function forkFrom(threadId, checkpointId) {
  showBranches(threadId, checkpointId).then(() => {
    conversation.addNotice("info", "Forking from this checkpoint:",
      "your next message continues from here; the other branches stay in the history.");
  });
}

/** Name the user messages drawn during a run (the page learns their ids from the checkpoint). */
function nameUserMessages(messages) {
  const drawn = [...conversation.findAll(".message.user:not(.not-sent)")];
  const said = messages.filter((m) => m.role === "user");
  if (drawn.length !== said.length) return;
  drawn.forEach((node, i) => { node.dataset.messageId = said[i].id; });
}

function decorate(tree, shown) {
  const branch = chain(tree, shown.checkpoint_id);
  const messages = shown.values.messages;
  nameUserMessages(messages);
  messages.forEach((message, index) => {
    const node = conversation.find(".message", "data-message-id", message.id);
    if (!node) return;
    if (message.role === "user") {
      const start = forkPoint(branch, index);
      if (!start) return;
      addControls(node, editButton(node, start), switcher(tree, start, branch));
    } else if (message.role === "assistant" && message.content && messages[index + 1]?.role !== "assistant"
               && messages[index + 1]?.role !== "tool") {
      const userIndex = messages.findLastIndex((m, i) => i < index && m.role === "user");
      const start = userIndex >= 0 ? forkPoint(branch, userIndex) : null;
      if (start) addControls(node, regenerateButton(node, messages[userIndex], start));
    }
  });
}

function addControls(node, ...controls) {
  node.querySelector(":scope > .branch-controls")?.remove();
  node.append(el("div", { className: "branch-controls" }, ...controls));
}

/** ‹ k / n › over the turns started from `start`, if it has more than one. */
function switcher(tree, start, branch) {
  const variants = tree.children.get(start.checkpoint_id) ?? [];
  if (variants.length < 2) return null;
  const onBranch = new Set(branch.map((c) => c.checkpoint_id));
  const at = variants.findIndex((c) => onBranch.has(c.checkpoint_id));
  const go = (to) => showBranches(page.threadId, leaf(tree, variants[to].checkpoint_id).checkpoint_id);
  return el("span", { className: "branch-switcher", "aria-label": "Branches of this turn" },
    el("button", { type: "button", className: "branch-prev", disabled: at <= 0, onclick: () => go(at - 1) }, "‹"),
    el("span", { className: "branch-position" }, `${at + 1} / ${variants.length}`),
    el("button", { type: "button", className: "branch-next", disabled: at >= variants.length - 1,
                   onclick: () => go(at + 1) }, "›"));
}

/** Remove what the conversation shows after `node`: the turn from `node` on is being replaced. */
function dropAfter(node) {
  while (node.nextElementSibling) node.nextElementSibling.remove();
}

function send(text, start, shown) {
  startTurn(text, {
    checkpointId: start.checkpoint_id,
    onRefused: (ending) => {
      shown && conversation.markNotSent(shown);
      conversation.addNotice("error", "The turn was refused.", ending.message ?? ending.reason ?? "");
    },
  });
}

function regenerateButton(node, userMessage, start) {
  return el("button", { type: "button", className: "regenerate", "data-locked-by-run": true,
    title: "Answer this turn again, from the checkpoint before it",
    onclick: () => {
      if (page.run) return;
      const user = conversation.find(".message.user", "data-message-id", userMessage.id);
      dropAfter(user ?? node);
      send(userMessage.content ?? "", start, null);
    } }, "Regenerate");
}

function editButton(node, start) {
  return el("button", { type: "button", className: "edit", "data-locked-by-run": true,
    title: "Change this message and continue from before it",
    onclick: () => !page.run && editInPlace(node, start) }, "Edit");
}

function editInPlace(node, start) {
  const text = node.querySelector(".text");
  const before = text.textContent;
  text.contentEditable = "plaintext-only";
  text.focus();
  const finish = () => {
    text.contentEditable = "false";
    actions.remove();
  };
  const actions = el("div", { className: "edit-actions" },
    el("button", { type: "button", className: "primary edit-send", onclick: () => {
      const edited = text.textContent;
      if (!edited.trim()) return;
      finish();
      node.querySelector(":scope > .branch-controls")?.remove();
      node.removeAttribute("data-message-id");
      dropAfter(node);
      send(edited, start, node);
    } }, "Send"),
    el("button", { type: "button", className: "edit-cancel", onclick: () => {
      text.textContent = before;
      finish();
    } }, "Cancel"));
  node.append(actions);
}
