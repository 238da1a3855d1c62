"""A turn can start from an earlier checkpoint: fork, edit, regenerate, through every door."""

import httpx
import pytest

from tests.history_helpers import history, messages, send_from, turn_ends
from tests.sse import frames, text_of, turn

DOORS = ["chat", "eventsource", "agui"]


async def three_turns(client: httpx.AsyncClient, name: str) -> str:
    thread_id = (await turn(client, f"{name} one [tokens=2]"))[0]["threadId"]
    for n in ("two", "three"):
        await turn(client, f"{name} {n} [tokens=2]", thread_id)
    return thread_id


async def test_a_fork_leaves_the_old_branch_intact(client: httpx.AsyncClient) -> None:
    thread_id = await three_turns(client, "fork")
    old_head, _, first = await turn_ends(client, thread_id)
    old_messages = await messages(client, thread_id)
    events = await send_from(client, "chat", thread_id, "fork other [tokens=2]", first["checkpoint_id"])
    assert text_of(events).startswith("turn2")  # the model saw one earlier user message
    now = await messages(client, thread_id)
    assert [m["content"] for m in now[:2]] == [m["content"] for m in old_messages[:2]]
    assert now[2]["content"] == "fork other [tokens=2]" and len(now) == 4
    listed = await history(client, thread_id, values="true", limit=200)
    new_head = listed[0]
    assert new_head["parent_checkpoint_id"] == first["checkpoint_id"]
    kept = next(c for c in listed if c["checkpoint_id"] == old_head["checkpoint_id"])
    assert kept["values"]["messages"] == old_messages


async def test_a_turn_after_a_fork_continues_the_new_branch(client: httpx.AsyncClient) -> None:
    thread_id = await three_turns(client, "continue")
    first = (await turn_ends(client, thread_id))[-1]
    await send_from(client, "chat", thread_id, "continue other [tokens=2]", first["checkpoint_id"])
    events = await turn(client, "continue after [tokens=2]", thread_id)
    assert text_of(events).startswith("turn3")
    assert [m["content"] for m in await messages(client, thread_id)][::2] == [
        "continue one [tokens=2]",
        "continue other [tokens=2]",
        "continue after [tokens=2]",
    ]


@pytest.mark.parametrize("door", DOORS)
async def test_edit_replaces_a_user_message_and_continues_from_before_it(
    client: httpx.AsyncClient, door: str
) -> None:
    thread_id = await three_turns(client, f"edit-{door}")
    before_second = (await turn_ends(client, thread_id))[-1]  # the thread before its second message
    events = await send_from(
        client, door, thread_id, f"edit-{door} edited [tokens=2]", before_second["checkpoint_id"]
    )
    assert events[-1]["type"] == "RUN_FINISHED"
    assert text_of(events).startswith("turn2")
    said = [m["content"] for m in await messages(client, thread_id) if m["role"] == "user"]
    assert said == [f"edit-{door} one [tokens=2]", f"edit-{door} edited [tokens=2]"]


@pytest.mark.parametrize("door", DOORS)
async def test_regenerate_reruns_the_last_answer_from_the_checkpoint_before_it(
    client: httpx.AsyncClient, door: str
) -> None:
    thread_id = await three_turns(client, f"regen-{door}")
    ends = await turn_ends(client, thread_id)
    old = await messages(client, thread_id)
    events = await send_from(client, door, thread_id, old[-2]["content"], ends[1]["checkpoint_id"])
    assert text_of(events).startswith("turn3")
    new = await messages(client, thread_id)
    assert [m["content"] for m in new[:-1]] == [m["content"] for m in old[:-1]]
    assert new[-1]["role"] == "assistant" and new[-1]["id"] != old[-1]["id"]
    siblings = [
        c for c in await turn_ends(client, thread_id) if c["parent_checkpoint_id"] == ends[1]["checkpoint_id"]
    ]
    assert len(siblings) == 2  # the old answer's branch and the regenerated one


async def test_message_rows_show_the_current_branch_unless_asked_for_all(client: httpx.AsyncClient) -> None:
    thread_id = await three_turns(client, "rows")
    first = (await turn_ends(client, thread_id))[-1]
    await send_from(client, "chat", thread_id, "rows other [tokens=2]", first["checkpoint_id"])
    current = (await client.get(f"/api/threads/{thread_id}/messages")).json()["messages"]
    assert [r["content"] for r in current if r["role"] == "user"] == [
        "rows one [tokens=2]",
        "rows other [tokens=2]",
    ]
    assert all(r["on_branch"] for r in current)
    assert current[-1]["parent_checkpoint_id"] == first["checkpoint_id"]
    every = (await client.get(f"/api/threads/{thread_id}/messages", params={"all": "true"})).json()[
        "messages"
    ]
    off = [r["content"] for r in every if r["role"] == "user" and not r["on_branch"]]
    assert off == ["rows two [tokens=2]", "rows three [tokens=2]"]
    assert all(r["checkpoint_id"] for r in every)


async def test_a_turn_from_an_unknown_checkpoint_is_refused(client: httpx.AsyncClient) -> None:
    thread_id = (await turn(client, "unknown fork [tokens=2]"))[0]["threadId"]
    body = {"message": "x", "thread_id": thread_id, "checkpoint_id": "1f000000-0000-6000-8000-000000000000"}
    response = await client.post("/api/chat", json=body)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    response = await client.post("/api/chat", json={"message": "x", "checkpoint_id": "1f0"})
    assert response.status_code == 422


async def test_a_stopped_answer_on_a_fork_is_kept_on_the_new_branch(client: httpx.AsyncClient) -> None:
    thread_id = await three_turns(client, "stopped fork")
    ends = await turn_ends(client, thread_id)
    old = await messages(client, thread_id)
    body = {
        "message": "stopped fork [slow] [tokens=40]",
        "thread_id": thread_id,
        "checkpoint_id": ends[-1]["checkpoint_id"],
    }
    events, cancelled = [], False
    async with client.stream("POST", "/api/chat", json=body) as response:
        async for frame in frames(response):
            events.append(frame.event)
            if not cancelled and [e["type"] for e in events].count("TEXT_MESSAGE_CONTENT") == 3:
                assert (await client.post(f"/api/threads/{thread_id}/cancel")).json()["cancelled"]
                cancelled = True
    assert events[-1]["outcome"] == {"type": "cancelled"}
    now = await messages(client, thread_id)
    assert [m["content"] for m in now] == [
        old[0]["content"],
        old[1]["content"],
        body["message"],
        text_of(events),
    ]
    # the stopped run's own checkpoint (its input), then the partial answer added to it
    head, stopped = (await history(client, thread_id))[:2]
    assert head["source"] == "update" and head["parent_checkpoint_id"] == stopped["checkpoint_id"]
    assert (
        stopped["run_id"] == events[0]["runId"]
        and stopped["parent_checkpoint_id"] == ends[-1]["checkpoint_id"]
    )
    kept = next(
        c
        for c in await history(client, thread_id, values="true", limit=200)
        if c["checkpoint_id"] == ends[0]["checkpoint_id"]
    )
    assert kept["values"]["messages"] == old
