// Drives our LangGraph Server API with @langchain/langgraph-sdk's Client, making the calls
// useStream makes (thread history with parent_checkpoint, a run from a checkpoint, a resume).
// Usage: node scenario.mjs <server url>; prints a JSON account of what the client saw.
import { Client } from "@langchain/langgraph-sdk";

const client = new Client({ apiUrl: process.argv[2], apiKey: null });
const say = (content) => ({ messages: [{ type: "human", content }] });

async function collect(stream) {
  const parts = [];
  for await (const part of stream) parts.push({ event: part.event, data: part.data });
  return parts;
}

const account = {};
const [assistant] = await client.assistants.search({ limit: 10 });
account.assistant = assistant.assistant_id;

const thread = await client.threads.create({ metadata: { from: "js" } });
account.thread = thread;

let created = null;
const first = await collect(
  client.runs.stream(thread.thread_id, assistant.assistant_id, {
    input: say("what is 12 * 7?"),
    streamMode: ["values", "messages-tuple", "updates"],
    streamResumable: true,
    onDisconnect: "continue",
    onRunCreated: (meta) => (created = meta),
  }),
);
account.created = created;
account.firstEvents = first.map((p) => p.event);
account.tokens = first
  .filter((p) => p.event === "messages" && p.data[0].type === "AIMessageChunk")
  .map((p) => p.data[0].content)
  .join("");

const history = await client.threads.getHistory(thread.thread_id, { limit: 10 });
account.history = history.map((state) => ({
  checkpoint: state.checkpoint,
  hasParent: "parent_checkpoint" in state,
  messages: state.values.messages.length,
}));

const head = { ...history[0].checkpoint };
delete head.thread_id;
const fromCheckpoint = await collect(
  client.runs.stream(thread.thread_id, assistant.assistant_id, {
    input: say("hi [tokens=2]"),
    checkpoint: head,
    streamMode: ["values"],
  }),
);
account.fromCheckpoint = fromCheckpoint.at(-1).data.messages.map((m) => m.content);

const stopped = await client.runs.wait(thread.thread_id, assistant.assistant_id, {
  input: say("what is 2 * 3?"),
  interruptBefore: ["tools"],
});
account.stoppedNext = (await client.threads.getState(thread.thread_id)).next;
account.stoppedStatus = (await client.threads.get(thread.thread_id)).status;
const resumed = await collect(
  client.runs.stream(thread.thread_id, assistant.assistant_id, {
    command: { resume: "go on" },
    streamMode: ["values"],
  }),
);
account.resumed = resumed.at(-1).data.messages.at(-1).content;

const background = await client.runs.create(thread.thread_id, assistant.assistant_id, {
  input: say("[tokens=3]"),
});
await client.runs.join(thread.thread_id, background.run_id);
const joined = await collect(
  client.runs.joinStream(thread.thread_id, background.run_id, { lastEventId: "-1" }),
);
account.joinedEvents = joined.map((p) => p.event);
account.runs = (await client.runs.list(thread.thread_id)).map((run) => run.status);
account.found = (await client.threads.search({ metadata: { from: "js" }, limit: 100 })).some(
  (t) => t.thread_id === thread.thread_id,
);
await client.threads.delete(thread.thread_id);
account.deleted = await client.threads.get(thread.thread_id).then(
  () => false,
  () => true,
);
void stopped;
process.stdout.write(JSON.stringify(account));
