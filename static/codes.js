/**
 * In words a person understands, what the server's codes mean: the `code` of a
 * RUN_ERROR (agent/errors.py, agent/remote.py) and of a refusal's
 * `{"error": {code, message}}` body (errors.py, api/errors.py). The server's own
 * message is always shown beside the title.
 */

const RUN_ERRORS = {
  model_error: "The model could not answer.",
  internal: "The server failed while running this turn.",
  run_lost: "The server process running this turn stopped before it finished.",
};

const REFUSALS = {
  invalid_request: "The server refused the message.",
  not_found: "The server does not know this thread or run.",
  method_not_allowed: "The server does not take this request.",
  thread_busy: "This thread is busy with another run.",
  run_exists: "That run already exists.",
  unauthorized: "The server asks for its API key.",
  shutting_down: "The server is shutting down.",
  database_unavailable: "The server's database does not answer.",
  internal: "The server failed on this request.",
};

export const runErrorTitle = (code) => RUN_ERRORS[code] ?? "The run failed.";

export const refusalTitle = (code) => REFUSALS[code] ?? "The server refused to start the turn.";
