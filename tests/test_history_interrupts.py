"""A turn that stops at an interrupt leaves a checkpoint naming its next node and the interrupt."""

from collections.abc import Callable

import httpx

from tests.history_helpers import history
from tests.processes import ServerProcess
from tests.sse import turn


async def test_an_interrupt_is_in_the_history_and_a_fork_waits_for_its_answer(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"GRAPH": "tests.graphs:interrupting_graph"})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        events = await turn(client, "please approve")
        thread_id, run_id = events[0]["threadId"], events[0]["runId"]
        newest = (await history(client, thread_id, values="true"))[0]
        assert newest["run_id"] == run_id
        assert newest["next"] == ["approve"]
        assert [i["value"] for i in newest["interrupts"]] == [{"question": "approve?"}]
        assert newest["message_count"] == 2
        assert newest["values"]["messages"][-1]["content"] == "Answer to please approve"

        # The thread waits on a person: a fork is refused like any turn until the interrupt is
        # answered or cancelled, and a resume answers the head's interrupt, never an old checkpoint's.
        fork = {"message": "other", "thread_id": thread_id, "checkpoint_id": newest["checkpoint_id"]}
        refused = await client.post("/api/chat", json=fork)
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "interrupt_pending")
        answer = [{"interruptId": newest["interrupts"][0]["id"], "status": "resolved", "payload": "yes"}]
        both = {"thread_id": thread_id, "resume": answer, "checkpoint_id": newest["checkpoint_id"]}
        refused = await client.post("/api/chat", json=both)
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid_request")
