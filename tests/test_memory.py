"""The checkpoint is the conversation: the same thread_id continues it, also after a restart."""

from collections.abc import Callable

import httpx
import pytest

from tests.processes import ServerProcess, StandInProcess
from tests.sse import text_of, turn


def sent_contents(request: dict) -> list[str]:
    return [m.get("content") or "" for m in request["messages"]]


async def test_second_turn_sees_first_turn(client: httpx.AsyncClient, standin: StandInProcess) -> None:
    first = await turn(client, "remember the word walnut [tokens=3]")
    thread_id = first[0]["threadId"]
    second = await turn(client, "which word? [tokens=3]", thread_id)
    assert second[0]["threadId"] == thread_id
    assert text_of(second).startswith("turn2")
    request = next(r for r in reversed(standin.requests()) if "which word? [tokens=3]" in sent_contents(r))
    assert sent_contents(request) == [
        "remember the word walnut [tokens=3]",
        "turn1 w1 w2",
        "which word? [tokens=3]",
    ]


@pytest.mark.parametrize("durability", ["exit", "async"])
async def test_a_restarted_server_continues_the_thread(
    start_server: Callable[..., ServerProcess], standin: StandInProcess, durability: str
) -> None:
    env = {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": standin.url, "DURABILITY": durability}
    server = start_server(env)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        thread_id = (await turn(http, "before the restart [tokens=2]"))[0]["threadId"]
    assert server.stop() == 0
    server.start()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        events = await turn(http, "after the restart [tokens=2]", thread_id)
    assert text_of(events).startswith("turn2")


async def test_the_offline_model_remembers_earlier_turns(offline_client: httpx.AsyncClient) -> None:
    thread_id = (await turn(offline_client, "my name is Ada"))[0]["threadId"]
    events = await turn(offline_client, "what is my name?", thread_id)
    assert text_of(events) == "Your name is Ada."
