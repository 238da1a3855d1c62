/**
 * The served graph drawn as SVG (GET /api/graph): nodes in layers from START, edges with arrows,
 * conditional edges dashed, subgraphs as boxes that fold into one node. The node that is running
 * lights up and the nodes this run visited are marked. Clicking a node filters the events and
 * steps to it. The layout is a small hand-written layered one: graphs served here have a handful
 * of nodes, and it keeps the page free of a vendored layout library.
 */

import { getGraph } from "./api.js";

const SVG = "http://www.w3.org/2000/svg";
const NODE_W = 112, NODE_H = 28, GAP_X = 18, GAP_Y = 30, PAD = 16, BACK_LANE = 22;

const view = {
  shape: null, collapsed: new Set(), running: new Map(), visited: new Set(), selected: null,
  onSelect: () => {},
};

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== null) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** The node id from a step's path, e.g. ["researcher", "search"] → "researcher:search"; "writer (2)" → "writer". */
export function nodeIdOf(stepName, path) {
  return path?.length ? path.join(":") : stepName.replace(/ \(\d+\)$/, "");
}

/** `onSelect(nodeId | null)` hears a click on a node (a second click clears it). */
export async function initGraph({ onSelect }) {
  view.onSelect = onSelect;
  try {
    view.shape = await getGraph();
  } catch (error) {
    document.getElementById("graph").replaceChildren(
      svg("text", { x: 8, y: 20, class: "graph-error" }, `The graph could not be read: ${error.message}`));
    return;
  }
  draw();
}

/** The node on screen that stands for `id`: itself, or the folded subgraph that holds it. */
function shown(id) {
  const parts = id.split(":");
  for (let depth = 1; depth < parts.length; depth++) {
    const outer = parts.slice(0, depth).join(":");
    if (view.collapsed.has(outer)) return outer;
  }
  return id;
}

function visibleShape() {
  const { nodes, edges } = view.shape;
  const subgraphs = new Set(nodes.filter((n) => n.kind === "subgraph").map((n) => n.id));
  const drawn = nodes.filter((n) => shown(n.id) === n.id && (!subgraphs.has(n.id) || view.collapsed.has(n.id)));
  const seen = new Set();
  const links = [];
  for (const edge of edges) {
    const source = shown(edge.source), target = shown(edge.target);
    const key = `${source}>${target}`;
    if (source === target || seen.has(key)) continue;
    seen.add(key);
    links.push({ ...edge, source, target });
  }
  return { drawn, links, groups: nodes.filter((n) => subgraphs.has(n.id) && !view.collapsed.has(n.id) && shown(n.id) === n.id) };
}

/** Layers by breadth-first search from START; an edge back to an earlier layer is a loop. */
function layers(drawn, links) {
  const layer = new Map();
  const start = drawn.find((n) => n.kind === "start") ?? drawn[0];
  const queue = start ? [start.id] : [];
  if (start) layer.set(start.id, 0);
  while (queue.length) {
    const id = queue.shift();
    for (const link of links) {
      if (link.source === id && !layer.has(link.target)) {
        layer.set(link.target, layer.get(id) + 1);
        queue.push(link.target);
      }
    }
  }
  let deepest = Math.max(0, ...layer.values());
  for (const node of drawn) if (!layer.has(node.id)) layer.set(node.id, ++deepest);
  const end = drawn.find((n) => n.kind === "end");
  if (end) layer.set(end.id, Math.max(...[...layer.entries()].filter(([id]) => id !== end.id).map(([, l]) => l)) + 1);
  return layer;
}

function draw() {
  const { drawn, links, groups } = visibleShape();
  const layer = layers(drawn, links);
  const rows = [];
  for (const node of drawn) (rows[layer.get(node.id)] ??= []).push(node);
  const width = Math.max(...rows.map((row) => row?.length ?? 0), 1) * (NODE_W + GAP_X) + 2 * PAD + BACK_LANE;
  const place = new Map();
  rows.forEach((row, index) => {
    row?.forEach((node, i) => {
      const rowWidth = row.length * (NODE_W + GAP_X) - GAP_X;
      const x = (width - BACK_LANE - rowWidth) / 2 + i * (NODE_W + GAP_X);
      place.set(node.id, { x, y: PAD + index * (NODE_H + GAP_Y) });
    });
  });
  const height = PAD * 2 + rows.length * (NODE_H + GAP_Y) - GAP_Y;
  const root = document.getElementById("graph");
  root.setAttribute("viewBox", `0 0 ${width} ${height}`);
  root.setAttribute("width", width);
  root.setAttribute("height", height);
  const defs = svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 8 8", refX: 8, refY: 4,
    markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, svg("path", { d: "M0,0 L8,4 L0,8 z" })));
  const boxes = groups.map((group) => groupBox(group, place));
  const lines = links.filter((l) => place.has(l.source) && place.has(l.target)).map((l) => edgePath(l, place, width));
  const nodes = drawn.map((node) => nodeBox(node, place.get(node.id)));
  root.replaceChildren(defs, ...boxes, ...lines, ...nodes);
  paint();
}

function groupBox(group, place) {
  const inner = [...place.entries()].filter(([id]) => id.startsWith(`${group.id}:`)).map(([, p]) => p);
  if (!inner.length) return svg("g");
  const x = Math.min(...inner.map((p) => p.x)) - 8, y = Math.min(...inner.map((p) => p.y)) - 20;
  const right = Math.max(...inner.map((p) => p.x)) + NODE_W + 8, bottom = Math.max(...inner.map((p) => p.y)) + NODE_H + 8;
  const toggle = () => { view.collapsed.add(group.id); draw(); };
  return svg("g", { class: "graph-group", "data-node": group.id },
    svg("rect", { x, y, width: right - x, height: bottom - y, rx: 8 }),
    Object.assign(svg("text", { x: x + 8, y: y + 13, class: "graph-group-label", role: "button", tabindex: 0 },
      `▾ ${group.name}`), { onclick: toggle, onkeydown: (e) => e.key === "Enter" && toggle() }));
}

function edgePath(link, place, width) {
  const from = place.get(link.source), to = place.get(link.target);
  let d;
  if (to.y > from.y) {
    d = `M${from.x + NODE_W / 2},${from.y + NODE_H} L${to.x + NODE_W / 2},${to.y}`;
  } else { // a loop back up: around the right-hand side
    const lane = width - BACK_LANE / 2 - PAD / 2;
    d = `M${from.x + NODE_W},${from.y + NODE_H / 2} C${lane},${from.y + NODE_H / 2} ${lane},${to.y + NODE_H / 2} ${to.x + NODE_W},${to.y + NODE_H / 2}`;
  }
  return svg("path", { d, class: link.conditional ? "graph-edge conditional" : "graph-edge",
    "marker-end": "url(#arrow)", "data-source": link.source, "data-target": link.target },
    svg("title", {}, `${link.source} → ${link.target}${link.conditional ? " (conditional)" : ""}`));
}

function nodeBox(node, at) {
  const special = node.kind === "start" || node.kind === "end";
  const label = node.kind === "subgraph" ? `▸ ${node.name}` : node.name;
  const group = svg("g", { class: `graph-node ${node.kind}`, "data-node": node.id, role: "button", tabindex: 0,
    transform: `translate(${at.x},${at.y})` },
    svg("rect", { width: NODE_W, height: NODE_H, rx: special ? NODE_H / 2 : 6 }),
    svg("text", { x: NODE_W / 2, y: NODE_H / 2 + 4, "text-anchor": "middle" }, label),
    svg("title", {}, node.kind === "subgraph" ? `${node.id} (subgraph: double-click to unfold)` : node.id));
  const choose = () => select(view.selected === node.id ? null : node.id);
  group.addEventListener("click", choose);
  group.addEventListener("keydown", (event) => event.key === "Enter" && choose());
  if (node.kind === "subgraph") group.addEventListener("dblclick", () => { view.collapsed.delete(node.id); draw(); });
  return group;
}

function select(nodeId) {
  view.selected = nodeId;
  paint();
  view.onSelect(nodeId);
}

function paint() {
  const running = new Set([...view.running.keys()].map(shown));
  const visited = new Set([...view.visited].map(shown));
  for (const node of document.querySelectorAll("#graph [data-node]")) {
    const id = node.dataset.node;
    const holds = (set) => set.has(id) || [...set].some((other) => other.startsWith(`${id}:`));
    node.classList.toggle("running", holds(running));
    node.classList.toggle("visited", holds(visited));
    node.classList.toggle("selected", view.selected === id);
  }
}

/** A node began (a step, or a subgraph's subagent): it lights up and counts as visited. */
export function nodeStarted(id) {
  view.running.set(id, (view.running.get(id) ?? 0) + 1);
  view.visited.add(id);
  paint();
}

export function nodeFinished(id) {
  const left = (view.running.get(id) ?? 1) - 1;
  if (left > 0) view.running.set(id, left);
  else view.running.delete(id);
  paint();
}

/** A new run (or a replayed one): nothing running, nothing visited. */
export function resetMarks() {
  view.running.clear();
  view.visited.clear();
  if (view.shape) paint();
}

/** The run ended: nothing runs any more, what it visited stays marked. */
export function stopAll() {
  view.running.clear();
  if (view.shape) paint();
}

export const selectedNode = () => view.selected;
export const clearSelection = () => select(null);
