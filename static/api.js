/** The server's JSON endpoints (see PROTOCOL.md), one small async function each. */

/** A refusal from the server: its HTTP status and the `{"error": {code, message}}` body. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request(method, path) {
  let response;
  try {
    response = await fetch(path, { method, headers: { accept: "application/json" } });
  } catch (error) {
    throw new ApiError(0, "unreachable", `the server does not answer (${error.message})`);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body?.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? "http_error",
      error.message ?? `${method} ${path} answered HTTP ${response.status}`,
    );
  }
  return body;
}

const threadPath = (threadId) => `api/threads/${encodeURIComponent(threadId)}`;

/** Threads, newest first: `{threads: [{thread_id, title, created_at, updated_at, message_count}], next_before}`. */
export function listThreads({ before = null, limit = 50 } = {}) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (before) query.set("before", before);
  return request("GET", `api/threads?${query}`);
}

/** A thread's messages as AG-UI messages, and the id of its active run: `{thread_id, active_run_id, messages}`. */
export const getThread = (threadId) => request("GET", threadPath(threadId));

/** The thread's checkpoints, newest first (`values`: each with its state): `{thread_id, checkpoints, next_before}`. */
export function getHistory(threadId, { values = false, limit = 20 } = {}) {
  const query = new URLSearchParams({ limit: String(limit), values: String(values) });
  return request("GET", `${threadPath(threadId)}/history?${query}`);
}

export const deleteThread = (threadId) => request("DELETE", threadPath(threadId));

/** Stop the thread's active run: `{thread_id, run_id, cancelled}`. */
export const cancelRun = (threadId) => request("POST", `${threadPath(threadId)}/cancel`);

/** Whether the server is ready, and which model answers: `{status, database, model}`. */
export const readiness = () => request("GET", "readyz");

/** The served graph's shape: `{nodes: [{id, name, kind, parent}], edges: [{source, target, conditional}]}`. */
export const getGraph = () => request("GET", "api/graph");

/** Every channel of a thread's state: `{checkpoint_id, next, values, …}`. */
export const getThreadState = (threadId) => request("GET", `${threadPath(threadId)}/state`);

/** A thread's runs, newest first: `{thread_id, runs: [{run_id, status, duration_ms, first_token_ms, tokens, usage, …}]}`. */
export const listRuns = (threadId) => request("GET", `${threadPath(threadId)}/runs`);
