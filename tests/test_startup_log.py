"""At start-up the server says which database it uses: its name, host and port, never its password."""

from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from psycopg.conninfo import conninfo_to_dict

from tests.processes import ServerProcess

DUMMY_PASSWORD = "never-logged-s3cret"


def with_password(url: str) -> tuple[str, str]:
    """`url` with a password (a test server trusts its clients and ignores a dummy one), and the password."""
    parts = urlsplit(url)
    if parts.password:
        return url, parts.password
    user, _, host = parts.netloc.rpartition("@")
    netloc = f"{user.rstrip(':') or 'postgres'}:{DUMMY_PASSWORD}@{host}"
    return urlunsplit(parts._replace(netloc=netloc)), DUMMY_PASSWORD


def test_the_start_up_log_names_the_database_but_not_its_password(
    database_url: str, start_server: Callable[..., ServerProcess]
) -> None:
    url, password = with_password(database_url)
    server = start_server({"DATABASE_URL": url, "OPENAI_API_KEY": ""})
    parts = conninfo_to_dict(url)
    address = f"database {parts['dbname']} at {parts['host']}:{parts.get('port', 5432)}"
    log = server.output()
    assert f"using the PostgreSQL {address}" in log, log
    assert password not in log
