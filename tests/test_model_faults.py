"""When the model provider fails, the run ends with RUN_ERROR model_error and the thread goes on."""

from collections.abc import Callable

import httpx
import pytest

from tests.checks import assert_protocol_order
from tests.processes import ServerProcess, StandInProcess
from tests.sse import text_of, turn


@pytest.fixture(scope="module")
def impatient_server(database_url: str, standin: StandInProcess, log_dir) -> ServerProcess:
    env = {
        "DATABASE_URL": database_url,
        "OPENAI_API_KEY": "k",
        "OPENAI_BASE_URL": standin.url,
        "MODEL_TIMEOUT_SECONDS": "1",
        "MODEL_MAX_RETRIES": "0",
    }
    process = ServerProcess(env, log_dir).start()
    yield process
    process.stop()


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("[fail500]", "HTTP 500"),
        ("[timeout]", "did not answer in time"),
        ("[drop]", "dropped"),
        ("[malformed]", "could not be read"),
    ],
)
async def test_a_model_fault_ends_the_run_with_model_error_and_the_thread_goes_on(
    impatient_server: ServerProcess, fault: str, says: str
) -> None:
    async with httpx.AsyncClient(base_url=impatient_server.url, timeout=30) as client:
        thread_id = (await turn(client, "before the fault [tokens=2]"))[0]["threadId"]
        events = await turn(client, f"{fault} [tokens=8]", thread_id)
        assert_protocol_order(events)
        error = events[-1]
        assert error["type"] == "RUN_ERROR" and error["code"] == "model_error"
        assert says in error["message"]
        assert "Traceback" not in error["message"] and 'File "' not in error["message"]

        messages = (await client.get(f"/api/threads/{thread_id}")).json()["messages"]
        assert [m["content"] for m in messages][:3] == [
            "before the fault [tokens=2]",
            "turn1 w1",
            f"{fault} [tokens=8]",
        ]
        after = await turn(client, "after the fault [tokens=2]", thread_id)
        assert after[-1]["type"] == "RUN_FINISHED" and text_of(after).startswith("turn3")


async def test_failed_requests_are_retried_before_any_token(
    start_server: Callable[..., ServerProcess], standin: StandInProcess
) -> None:
    server = start_server({"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": standin.url, "MODEL_MAX_RETRIES": "2"})
    before = len(standin.requests())
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        events = await turn(client, "[fail500] retried")
    assert events[-1]["code"] == "model_error"
    assert len(standin.requests()) - before == 3
