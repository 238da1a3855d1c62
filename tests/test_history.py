"""A thread keeps a checkpoint per turn: listed newest first, paged, each with its state."""

import httpx

from tests.history_helpers import history, messages, turn_ends
from tests.sse import text_of, turn


async def test_each_turn_leaves_a_checkpoint_listed_newest_first(client: httpx.AsyncClient) -> None:
    events = await turn(client, "history one [tokens=2]")
    thread_id = events[0]["threadId"]
    run_ids = [events[0]["runId"]]
    for n in (2, 3):
        events = await turn(client, f"history {n} [tokens=2]", thread_id)
        run_ids.append(events[0]["runId"])
    assert text_of(events).startswith("turn3")
    ends = await turn_ends(client, thread_id)
    assert [c["run_id"] for c in ends] == run_ids[::-1]
    assert [c["message_count"] for c in ends] == [6, 4, 2]
    assert all(c["next"] == [] and c["interrupts"] == [] for c in ends)
    assert ends[0]["parent_checkpoint_id"] == ends[1]["checkpoint_id"]
    assert ends[1]["parent_checkpoint_id"] == ends[2]["checkpoint_id"]
    assert all(c["created_at"] for c in ends)


async def test_history_pages_with_before(client: httpx.AsyncClient) -> None:
    thread_id = (await turn(client, "paging one [tokens=2]"))[0]["threadId"]
    for n in (2, 3):
        await turn(client, f"paging {n} [tokens=2]", thread_id)
    everything = await history(client, thread_id, limit=200)
    first = (await client.get(f"/api/threads/{thread_id}/history", params={"limit": 2})).json()
    assert [c["checkpoint_id"] for c in first["checkpoints"]] == [c["checkpoint_id"] for c in everything[:2]]
    rest = await history(client, thread_id, limit=200, before=first["next_before"])
    assert [c["checkpoint_id"] for c in first["checkpoints"] + rest] == [
        c["checkpoint_id"] for c in everything
    ]


async def test_an_old_checkpoint_shows_the_thread_as_it_was(client: httpx.AsyncClient) -> None:
    thread_id = (await turn(client, "as it was one [tokens=2]"))[0]["threadId"]
    then = await messages(client, thread_id)
    await turn(client, "as it was two [tokens=2]", thread_id)
    old = (await turn_ends(client, thread_id))[1]
    listed = await history(client, thread_id, values="true", limit=200)
    at_old = next(c for c in listed if c["checkpoint_id"] == old["checkpoint_id"])
    assert at_old["values"]["messages"] == then
    assert len(await messages(client, thread_id)) == 4


async def test_history_of_an_unknown_thread_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/threads/no-such-thread-history/history")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
