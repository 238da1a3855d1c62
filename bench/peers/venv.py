"""The peers' own virtualenv, bench/.peers-venv/, made and filled on first use.

The peers need a newer langchain-core than the server pins; installed beside the
server they would upgrade it, and the bench would then measure our server on
packages we do not ship. So they live apart, and the server's environment is
never written to.
"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

REQUIREMENTS = Path(__file__).parent / "requirements.txt"
VENV = Path(__file__).parent.parent / ".peers-venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / "requirements.sha256"  # the requirements the venv was filled from
INSTALL_LOG = VENV / "install.log"
VERSIONS = """
import json, sys
from importlib.metadata import version
print(json.dumps({name: version(name) for name in sys.argv[1:]}))
"""


def peers_python() -> Path:
    """The venv's Python, after making the venv or refilling it if bench/peers/requirements.txt changed."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return PYTHON
    print(f"Installing the peers into {VENV} (bench/peers/requirements.txt; a minute or two)", flush=True)
    if not PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    install = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-r", str(REQUIREMENTS)]
    with INSTALL_LOG.open("wb") as log:
        done = subprocess.run(install, stdout=log, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise RuntimeError(f"installing the peers failed:\n{INSTALL_LOG.read_text()[-3000:]}")
    STAMP.write_text(wanted)
    return PYTHON


def peer_versions(*packages: str) -> dict[str, str]:
    """The versions of `packages` installed in the venv."""
    done = subprocess.run(
        [str(peers_python()), "-c", VERSIONS, *packages], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)
