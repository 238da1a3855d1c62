/** Keys: Escape stops the running run; "/" (outside a text field) puts the cursor in the composer. */

import { stop } from "./run.js";
import { page } from "./state.js";

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

export function initKeys() {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && page.run) {
      event.preventDefault();
      stop();
    } else if (event.key === "/" && !TYPING.has(event.target.tagName) && !event.target.isContentEditable
               && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      document.getElementById("message").focus();
    }
  });
}
