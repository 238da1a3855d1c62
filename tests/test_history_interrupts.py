"""A turn that stops at an interrupt leaves a checkpoint naming its next node and the interrupt."""

from collections.abc import Callable

import httpx

from tests.history_helpers import history
from tests.processes import ServerProcess
from tests.sse import turn


async def test_an_interrupt_is_in_the_history(start_server: Callable[..., ServerProcess]) -> None:
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
