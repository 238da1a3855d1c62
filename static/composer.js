/**
 * The send box and what becomes of a turn before its run starts: Enter sends,
 * the turn is posted once, and a refused turn is marked "not sent", says the
 * server's own reason and gives the text back to edit.
 */

import { refusalTitle } from "./codes.js";
import * as conversation from "./conversation.js";
import { openThread } from "./navigation.js";
import { page } from "./state.js";
import { startTurn } from "./run.js";

const $ = (id) => document.getElementById(id);

export function initComposer() {
  $("composer").addEventListener("submit", send);
  $("message").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
  });
}

function send(event) {
  event.preventDefault();
  const box = $("message");
  const message = box.value;
  if (page.run || !message.trim()) return;
  box.value = "";
  const shown = conversation.addUserMessage(message);
  startTurn(message, { onRefused: (ending) => refused(ending, shown, message) });
}

async function refused(ending, shown, message) {
  conversation.markNotSent(shown);
  if (!$("message").value) $("message").value = message;
  if (ending.kind === "unreachable") {
    conversation.addNotice("error", "The server does not answer.",
      `(${ending.reason}.) Check that it is running, then send again: your message is back in the box.`);
    return;
  }
  const { code, message: reason } = ending;
  if (code === "thread_busy" && page.threadId) {
    await openThread(page.threadId, { replace: true });
    conversation.addNotice("info", refusalTitle(code),
      `The server says: “${reason}”. Your message was not sent; it is back in the box for when the run ends.`);
    return;
  }
  const next = code === "unauthorized" ? "Reload the page to log in." : "Your message is back in the box.";
  conversation.addNotice("error", refusalTitle(code), `The server says: “${reason}”. ${next}`);
}
