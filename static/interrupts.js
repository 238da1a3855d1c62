/**
 * Interrupts as cards in the conversation: the graph's question, or a tool call to approve with
 * its arguments as editable JSON. An answer is sent as a resume (POST /api/chat with `resume`);
 * Cancel abandons the interrupts (POST /api/threads/{id}/cancel, as Stop does for a run).
 * While a card waits, the composer says so and sends nothing.
 */

import { cancelRun } from "./api.js";
import * as conversation from "./conversation.js";
import { el } from "./dom.js";
import { page } from "./state.js";

const hooks = { resume: () => {}, reopen: () => {} };
const composer = () => document.getElementById("message");
const WAITING = "The agent waits for your answer above: approve, reject or answer it first.";

/** `resume(entries)` sends a resume; `reopen()` redraws the thread after a cancel. */
export function initInterrupts({ resume, reopen }) {
  Object.assign(hooks, { resume, reopen });
}

/** Draw a card for each open interrupt (none: the composer is free again). */
export function showInterrupts(interrupts = []) {
  for (const card of conversation.findAll(".interrupt")) card.remove();
  setWaiting(interrupts.length > 0);
  if (!interrupts.length) return;
  const answers = new Map();
  const submit = (id, entry) => {
    answers.set(id, entry);
    if (answers.size === interrupts.length) {
      setWaiting(false);
      for (const card of conversation.findAll(".interrupt")) card.remove();
      hooks.resume(interrupts.map((i) => answers.get(i.id)));
    }
  };
  for (const interrupt of interrupts) conversation.add(card(interrupt, submit));
}

function setWaiting(waiting) {
  page.waitingOnPerson = waiting;
  const box = composer();
  box.disabled = waiting;
  box.placeholder = waiting ? WAITING : "Message · Enter sends, Shift+Enter starts a new line";
}

function card(interrupt, submit) {
  const value = interrupt.metadata?.value;
  const request = value?.action_requests?.[0];
  const answer = (payload) => submit(interrupt.id, { interruptId: interrupt.id, status: "resolved", payload });
  const cancel = el("button", { type: "button", className: "cancel", onclick: cancelWaiting }, "Cancel");
  if (interrupt.reason === "tool_approval" && request) {
    const args = el("textarea", { className: "args", rows: 4, "aria-label": "Arguments" });
    args.value = JSON.stringify(request.args ?? {}, null, 2);
    const reason = el("input", { className: "reason", placeholder: "Reason for rejecting", "aria-label": "Reason" });
    const problem = el("p", { className: "problem" });
    const edited = () => {
      try {
        return JSON.parse(args.value);
      } catch (error) {
        problem.textContent = `The arguments are not JSON: ${error.message}`;
        return null;
      }
    };
    return el("div", { className: "interrupt notice", "data-interrupt": interrupt.id },
      el("strong", {}, interrupt.message ?? `Approve ${request.name}?`),
      el("div", { className: "tool-name" }, `Tool: ${request.name}`),
      args, problem,
      el("div", { className: "actions" },
        el("button", { type: "button", className: "approve",
          onclick: () => answer({ decisions: [{ type: "approve" }] }) }, "Approve"),
        el("button", { type: "button", className: "edit", onclick: () => {
          const changed = edited();
          if (changed) answer({ decisions: [{ type: "edit", edited_action: { name: request.name, args: changed } }] });
        } }, "Edit and approve"),
        reason,
        el("button", { type: "button", className: "reject",
          onclick: () => answer({ decisions: [{ type: "reject", message: reason.value || "rejected" }] }) }, "Reject"),
        cancel));
  }
  const text = el("input", { className: "answer", "aria-label": "Your answer" });
  return el("div", { className: "interrupt notice", "data-interrupt": interrupt.id },
    el("strong", {}, interrupt.message ?? "The agent asks for input."),
    el("form", { className: "actions", onsubmit: (event) => { event.preventDefault(); answer(text.value); } },
      text, el("button", { type: "submit", className: "send-answer" }, "Answer"), cancel));
}

async function cancelWaiting() {
  if (!page.threadId) return;
  await cancelRun(page.threadId).catch((error) => conversation.addNotice("error", "Could not cancel.", error.message));
  setWaiting(false);
  await hooks.reopen(page.threadId);
}
