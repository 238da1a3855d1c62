/**
 * What a run's events show beside the conversation, live or replayed: the steps (a subgraph's
 * nested under the node that runs it), the graph's running and visited nodes, the event log with
 * the node each event came from, progress, and the outcome and usage facts.
 */

import { logEvent } from "./events_view.js";
import * as graph from "./graph_view.js";
import * as panels from "./panels.js";

const trace = { subagents: new Map(), nodeOf: new Map(), steps: new Map() };

/** A new run on screen (live or replayed). */
export function resetTrace() {
  trace.subagents.clear();
  trace.nodeOf.clear();
  trace.steps.clear();
  graph.resetMarks();
}

/** The sub-agent `subagentRunId` as the conversation labels its messages (e.g. "researcher"), or null. */
export function speakerOf(subagentRunId) {
  const subagent = subagentRunId && trace.subagents.get(subagentRunId);
  return subagent ? subagent.path.join(" › ") : null;
}

/** Show `event`; `atMs` is the time since the run started, or null in a replay. */
export function traceEvent(event, atMs) {
  const scope = event.subagentRunId ?? null;
  switch (event.type) {
    case "SUBAGENT_STARTED": {
      const path = event.metadata?.path ?? [event.name];
      const node = path.join(":");
      trace.subagents.set(event.subagentRunId, { name: event.name, path, node });
      panels.nestSubagent(event.subagentRunId, node, event.parentSubagentRunId ?? null);
      graph.nodeStarted(node);
      break;
    }
    case "SUBAGENT_FINISHED": {
      const subagent = trace.subagents.get(event.subagentRunId);
      if (subagent) graph.nodeFinished(subagent.node);
      break;
    }
    case "STEP_STARTED": {
      const node = graph.nodeIdOf(event.stepName, event.metadata?.path);
      trace.steps.set(`${scope}/${event.stepName}`, node);
      trace.nodeOf.set(scope, node);
      panels.stepStarted(event.stepName, atMs, { node, scope });
      graph.nodeStarted(node);
      break;
    }
    case "STEP_FINISHED": {
      const node = trace.steps.get(`${scope}/${event.stepName}`);
      panels.stepFinished(event.stepName, atMs, { scope });
      if (node) graph.nodeFinished(node);
      break;
    }
    case "CUSTOM":
      if (event.name === "progress") panels.showProgress(event.value);
      break;
    case "RUN_FINISHED":
      graph.stopAll();
      panels.setFact("outcome", event.outcome?.type ?? "success");
      if (event.usage?.length) {
        const input = event.usage.reduce((sum, u) => sum + (u.inputTokens ?? 0), 0);
        const output = event.usage.reduce((sum, u) => sum + (u.outputTokens ?? 0), 0);
        panels.setFact("usage", `${input} in · ${output} out`);
      }
      break;
    case "RUN_ERROR":
      graph.stopAll();
      panels.setFact("outcome", `error (${event.code ?? "unknown"})`);
      break;
  }
  const node = event.type === "STEP_FINISHED" ? trace.steps.get(`${scope}/${event.stepName}`)
    : event.type.startsWith("SUBAGENT_") ? trace.subagents.get(event.subagentRunId)?.node
    : trace.nodeOf.get(scope) ?? (scope ? trace.subagents.get(scope)?.node : null);
  logEvent(event, atMs, node ?? null);
  if (event.type === "STEP_FINISHED") {
    trace.steps.delete(`${scope}/${event.stepName}`);
    if (trace.nodeOf.get(scope) === node) trace.nodeOf.delete(scope);
  }
}

/** The run ended without its last event (lost, failed): nothing runs any more. */
export const stopTrace = () => graph.stopAll();
