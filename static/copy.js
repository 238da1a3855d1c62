/** Copy buttons: text to the clipboard, and a moment of "copied" on the button. */

import { el } from "./dom.js";

async function writeText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch { // no clipboard permission (or not a secure context): the old way
    const area = el("textarea", { "aria-hidden": "true", style: "position:fixed;opacity:0" });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}

/** Make `button` copy what `text()` returns; `label` says what it copies. */
export function copyButtonFor(button, label, text) {
  button.title = `Copy ${label}`;
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    event.stopPropagation();
    await writeText(text());
    button.textContent = "copied";
    button.dataset.copied = "true";
    setTimeout(() => { button.textContent = "copy"; delete button.dataset.copied; }, 1500);
  });
  return button;
}

/** A small button that copies what `text()` returns; `label` says what it copies. */
export function copyButton(label, text) {
  return copyButtonFor(el("button", { type: "button", className: "copy", "aria-label": `Copy ${label}` }, "copy"), label, text);
}
