"""With no DATABASE_URL the server runs an embedded PostgreSQL in DATA_DIR, kept across restarts."""

from collections.abc import Callable
from pathlib import Path

import httpx

from tests.processes import ServerProcess
from tests.sse import text_of, turn


async def test_the_server_starts_on_an_empty_data_folder_and_keeps_threads(
    start_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    env = {"DATABASE_URL": "", "DATA_DIR": str(data_dir), "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"}
    server = start_server(env)
    assert any(data_dir.iterdir())
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        assert (await http.get("/readyz")).json()["model"] == "offline"
        thread_id = (await turn(http, "my name is Grace"))[0]["threadId"]
    assert server.stop() == 0
    server.start()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        assert text_of(await turn(http, "what is my name?", thread_id)) == "Your name is Grace."


def test_env_example_lists_every_setting() -> None:
    from settings import Settings

    example = (Path(__file__).parent.parent / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"# {name.upper()}=" in example, name
