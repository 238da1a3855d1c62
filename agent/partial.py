"""What a cancelled turn leaves in the checkpoint: the conversation as the user saw it.

A cancel interrupts the graph between checkpoints, so the thread would forget
the user's message (with DURABILITY=exit), the text streamed so far, and would
hold tool calls that no result answers, which the next model call refuses.
"""

from collections.abc import Mapping, Sequence

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from agent.ids import new_id

CANCELLED_TOOL_RESULT = "Cancelled by the user before the tool finished."


def messages_after_cancel(
    *,
    checkpointed: Sequence[BaseMessage],
    sent: Sequence[BaseMessage],
    partial_text: Mapping[str, str],
) -> list[BaseMessage]:
    """The messages to append: the turn's input not yet saved, results for unanswered tool calls,
    and each partly streamed answer (marked `finish_reason: cancelled`)."""
    known = {m.id for m in checkpointed}
    answered = {m.tool_call_id for m in checkpointed if isinstance(m, ToolMessage)}
    updates: list[BaseMessage] = [m for m in sent if m.id not in known]
    for message in [*checkpointed, *updates]:
        if isinstance(message, AIMessage):
            updates += [
                ToolMessage(
                    CANCELLED_TOOL_RESULT,
                    id=new_id(),
                    tool_call_id=call["id"],
                    name=call["name"],
                    status="error",
                )
                for call in message.tool_calls
                if call["id"] not in answered
            ]
    updates += [
        AIMessage(text, id=message_id, response_metadata={"finish_reason": "cancelled"})
        for message_id, text in partial_text.items()
        if text and message_id not in known
    ]
    return updates
