"""The README's client examples run against a real server and print what they promise.

Each fenced block right after a `<!-- example: prints "…" -->` line is run in
README order (a later one may use a run an earlier one made), with
`localhost:8000` pointed at the test server and the `demo-` ids made unique.
The server is the README's own set-up: `python main.py` with no API key, so the
built-in offline model answers (not the stand-in model, whose answers differ).
"""

import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass

import pytest

from tests.processes import ROOT, ServerProcess

EXAMPLE = re.compile(
    r'^<!-- example: prints "(?P<expect>[^"]+)" -->\n```(?P<lang>\w+)\n(?P<code>.*?)^```$', re.M | re.S
)
STREAMING_ENDPOINTS = (
    "POST localhost:8000/api/chat",
    "'localhost:8000/chat?",
    "POST localhost:8000/agui",
    "/api/runs/",
)


@dataclass
class Example:
    lang: str
    code: str
    expect: str


def readme_examples() -> list[Example]:
    text = (ROOT / "README.md").read_text()
    return [Example(m["lang"], m["code"], m["expect"]) for m in EXAMPLE.finditer(text)]


def test_the_readme_has_a_python_example_and_curl_for_each_streaming_endpoint() -> None:
    examples = readme_examples()
    assert any(e.lang == "python" and "httpx" in e.code for e in examples)
    curls = [e.code for e in examples if e.lang == "sh" and e.code.startswith("curl -N")]
    for endpoint in STREAMING_ENDPOINTS:
        assert any(endpoint in code for code in curls), f"no curl -N example for {endpoint}"


def test_the_readme_points_at_the_protocol_document_and_not_at_drafts() -> None:
    text = (ROOT / "README.md").read_text()
    assert "](docs/PROTOCOL.md)" in text and (ROOT / "docs" / "PROTOCOL.md").is_file()
    assert not re.search(r"(?<![\w/])shared/", text), "the README points at shared/"


def test_the_readme_examples_print_what_they_promise(offline_server: ServerProcess) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not on PATH")
    prefix = f"demo{uuid.uuid4().hex[:8]}-"
    host = offline_server.url.removeprefix("http://")

    def adapted(text: str) -> str:
        return text.replace("localhost:8000", host).replace("demo-", prefix)

    for example in readme_examples():
        command = [sys.executable, "-c"] if example.lang == "python" else ["bash", "-euo", "pipefail", "-c"]
        done = subprocess.run(
            [*command, adapted(example.code)], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        assert done.returncode == 0, f"{example.code}\nexited {done.returncode}: {done.stderr}"
        assert adapted(example.expect) in done.stdout, f"{example.code}\nprinted:\n{done.stdout}"
