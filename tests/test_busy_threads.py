"""Whether a thread is busy is answered truthfully across processes: by a live owner, naming its run."""

import asyncio
import json
import signal

import httpx

from tests.processes import ServerProcess, StandInProcess
from tests.sse import frames, read_some, turn


async def test_a_killed_owner_leaves_its_thread_free_at_once(
    database_url: str, standin: StandInProcess, log_dir, pair
) -> None:
    _, b = pair
    env = {"DATABASE_URL": database_url, "OPENAI_API_KEY": "k", "OPENAI_BASE_URL": standin.url}
    doomed = ServerProcess(env, log_dir).start()
    async with httpx.AsyncClient(base_url=doomed.url, timeout=30) as on_doomed:
        async with on_doomed.stream("POST", "/api/chat", json={"message": "[slow] [tokens=100]"}) as response:
            started = (await read_some(frames(response), 3))[0].event
        doomed.stop(signal.SIGKILL)
    thread_id = started["threadId"]
    async with httpx.AsyncClient(base_url=b.url, timeout=30) as on_b:
        seen = (await on_b.get(f"/api/threads/{thread_id}")).json()
        assert seen["active_run_id"] is None
        cancel = (await on_b.post(f"/api/threads/{thread_id}/cancel")).json()
        assert cancel == {"thread_id": thread_id, "run_id": None, "cancelled": False}
        deleted = await on_b.delete(f"/api/threads/{thread_id}")
        assert deleted.status_code == 200, deleted.text


async def test_every_refusal_of_a_raced_thread_names_the_run_that_holds_it(pair) -> None:
    a, b = pair
    async with (
        httpx.AsyncClient(base_url=a.url, timeout=60) as on_a,
        httpx.AsyncClient(base_url=b.url, timeout=60) as on_b,
    ):
        thread_id = (await turn(on_a, "a thread to race on [tokens=1]"))[0]["threadId"]

        async def attempt(index: int) -> httpx.Response:
            client = (on_a, on_b)[index % 2]
            body = {"message": f"racer {index} [tokens=3] [delay=100]", "thread_id": thread_id}
            async with client.stream("POST", "/api/chat", json=body) as response:
                await response.aread()
                return response

        answers = await asyncio.gather(*(attempt(i) for i in range(20)))
    accepted = [r for r in answers if r.status_code == 200]
    refused = [r for r in answers if r.status_code == 409]
    assert len(accepted) >= 1 and len(accepted) + len(refused) == 20
    run_ids = {
        json.loads(line.removeprefix("data: "))["runId"]
        for r in accepted
        for line in r.text.splitlines()
        if '"RUN_STARTED"' in line
    }
    named = {r.json()["error"]["run_id"] for r in refused}
    assert named <= run_ids, f"409s named runs that never ran: {named - run_ids}"
