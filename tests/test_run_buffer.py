"""A run's event buffer: followers read every event after their place, live; the oldest go first."""

import asyncio

from ag_ui.core import CustomEvent

from runs.buffer import EventBuffer


def event(n: int) -> CustomEvent:
    return CustomEvent(name="n", value=n)


def numbers(events: list[tuple[int, str]]) -> list[int]:
    return [seq for seq, _ in events]


async def test_a_follower_reads_what_comes_after_its_place_then_ends_when_the_buffer_closes() -> None:
    buffer = EventBuffer(max_events=100)
    for n in range(3):
        buffer.append(event(n))
    follower = buffer.follow(1)

    async def append_later() -> None:
        await asyncio.sleep(0)
        buffer.append(event(3))
        buffer.close()

    writer = asyncio.create_task(append_later())
    assert [seq async for seq, _ in follower] == [2, 3, 4]
    await writer


async def test_ready_takes_a_burst_without_waiting() -> None:
    buffer = EventBuffer(max_events=100)
    for n in range(5):
        buffer.append(event(n))
    follower = buffer.follow(0)
    assert numbers(follower.ready()) == [1, 2, 3, 4, 5]
    assert follower.ready() == []


async def test_the_oldest_events_are_dropped_past_the_limit_and_skipped_by_late_followers() -> None:
    buffer = EventBuffer(max_events=3)
    for n in range(10):
        buffer.append(event(n))
    assert buffer.last_seq == 10
    assert numbers(buffer.follow(0).ready()) == [8, 9, 10]
    assert numbers(buffer.follow(8).ready()) == [9, 10]
    assert '"value":9' in buffer.follow(9).ready()[0][1]
