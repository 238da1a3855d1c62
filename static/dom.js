/**
 * How the page builds what it draws. Model, tool and user text is only ever
 * inserted as text nodes (`textContent`), never parsed as HTML, so a message
 * that contains markup shows the markup and runs nothing.
 */

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

// Markdown-ish text: fenced code blocks, `code` and **bold**, built from text nodes.
const FENCE = /```[^\n]*\n?([\s\S]*?)(?:```|$)/g;
const INLINE = /(`[^`\n]+`|\*\*[^*\n]+\*\*)/;

function inlineNodes(text) {
  return text.split(INLINE).filter(Boolean).map((part) => {
    if (part.startsWith("`") && part.endsWith("`") && part.length > 1) return el("code", {}, part.slice(1, -1));
    if (part.startsWith("**") && part.endsWith("**") && part.length > 4) return el("strong", {}, part.slice(2, -2));
    return document.createTextNode(part);
  });
}

/** The nodes that show `text` with its code blocks, inline code and bold. */
export function richText(text) {
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
