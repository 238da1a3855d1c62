// Runs turns against our POST /agui with the official AG-UI client and prints what it assembled.
//
//   node conformance.mjs <server-url> '<scenario JSON>'
//   node conformance.mjs --verify '<events JSON>'    (the client's check alone, on given events)
//
// The scenario is {"threadId": "...", "turns": [{"message": "...", "cancel": false}]}: one
// HttpAgent sends each turn in order on the same thread, re-sending the whole conversation as
// AG-UI clients do. With "cancel", the script asks POST /api/threads/{id}/cancel as soon as the
// first token arrives. A turn {"resume": {"status", "payload"}} sends no message: it answers every
// interrupt the client holds as pending (agent.pendingInterrupts) with that status and payload, as
// `runAgent({resume})`. HttpAgent.runAgent passes the stream through the client's own checks
// (verifyEvents); a violation rejects the run and is reported as that run's "violation". The
// events it delivered are checked once more by verifyEvents alone, so a pipeline that stopped
// verifying would not go unnoticed.
//
// Prints one JSON object: {"runs": [{runId, events, violation, pendingInterrupts}], "messages": [...]}.

import { HttpAgent, verifyEvents } from "@ag-ui/client";
import { from, lastValueFrom } from "rxjs";

/** The client's own verdict on a sequence of events: null, or the violation it reports. */
async function verdict(events) {
  try {
    await lastValueFrom(from(events).pipe(verifyEvents(false)), { defaultValue: null });
    return null;
  } catch (error) {
    return `${error?.name ?? "Error"}: ${error?.message ?? String(error)}`;
  }
}

const [url, scenarioText] = process.argv.slice(2);
if (!url || !scenarioText) {
  console.error("usage: node conformance.mjs <server-url> '<scenario JSON>' | --verify '<events JSON>'");
  process.exit(2);
}
if (url === "--verify") {
  process.stdout.write(JSON.stringify({ violation: await verdict(JSON.parse(scenarioText)) }) + "\n");
  process.exit(0);
}
const scenario = JSON.parse(scenarioText);
const agent = new HttpAgent({ url: `${url}/agui`, threadId: scenario.threadId });

async function runTurn(turn, index) {
  const parameters = {};
  if (turn.resume) {
    parameters.resume = agent.pendingInterrupts.map((interrupt) => ({
      interruptId: interrupt.id,
      status: turn.resume.status,
      ...(turn.resume.payload === undefined ? {} : { payload: turn.resume.payload }),
    }));
  } else {
    agent.addMessage({ id: `${scenario.threadId}-user-${index + 1}`, role: "user", content: turn.message });
  }
  const events = [];
  let cancelled = null;
  const subscriber = {
    onEvent({ event }) {
      events.push(event);
      if (turn.cancel && !cancelled && event.type === "TEXT_MESSAGE_CONTENT") {
        cancelled = fetch(`${url}/api/threads/${scenario.threadId}/cancel`, { method: "POST" });
      }
    },
  };
  const runId = `${scenario.threadId}-run-${index + 1}`;
  let violation = null;
  try {
    await agent.runAgent({ runId, ...parameters }, subscriber);
  } catch (error) {
    violation = `${error?.name ?? "Error"}: ${error?.message ?? String(error)}`;
  }
  violation ??= await verdict(events);
  if (cancelled) {
    const response = await cancelled;
    if (!response.ok) violation ??= `cancel answered ${response.status}`;
  }
  return { runId, events, violation, pendingInterrupts: agent.pendingInterrupts };
}

const runs = [];
for (const [index, turn] of scenario.turns.entries()) {
  runs.push(await runTurn(turn, index));
}
process.stdout.write(JSON.stringify({ runs, messages: agent.messages }) + "\n");
