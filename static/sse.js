/**
 * Server-sent events read from a `fetch` response body, for the one stream an
 * EventSource cannot open: POST /api/chat, whose refusal body (a 4xx JSON
 * error) the page must be able to read. Only the fields the server sends are
 * kept: `id` and `data` (comments, `retry` and `event` are skipped).
 */

/** Yield `{id, data}` for every event in `body`, in order, until the body ends. */
export async function* serverSentEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let id = "";
  let data = [];
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const lines = buffer.split("\n"); // the server frames with LF only (api/sse.py)
      buffer = lines.pop();
      for (const line of lines.map((text) => text.replace(/\r$/, ""))) {
        if (line === "") {
          if (data.length) yield { id, data: data.join("\n") };
          data = [];
          continue;
        }
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const text = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") id = text;
        else if (field === "data") data.push(text);
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
