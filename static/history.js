/** A thread's messages (AG-UI messages from GET /api/threads/{id}) drawn as the conversation. */

import * as conversation from "./conversation.js";
import { addToolCall, setToolResult } from "./tool_cards.js";

/** Whether the server kept this assistant message as the partial answer of a stopped run. */
export const wasStopped = (message) => message.metadata?.finishReason === "cancelled";

export function renderHistory(messages) {
  conversation.clearConversation();
  for (const message of messages) {
    if (message.role === "user") conversation.addUserMessage(message.content ?? "", message.id);
    else if (message.role === "assistant") {
      if (message.content) conversation.addAssistantMessage(message.id, message.content);
      if (wasStopped(message)) conversation.markStopped(message.id);
      for (const call of message.toolCalls ?? []) addToolCall(call.id, call.function.name, call.function.arguments);
    } else if (message.role === "tool") {
      setToolResult(message.toolCallId, message.content ?? "", { error: Boolean(message.error) });
    }
  }
}
