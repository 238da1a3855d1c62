"""Only an OSError that says the database cannot be reached is a 503 database_unavailable; others are bugs."""

import errno
import socket

import asyncpg
import pytest

from api.errors import DATABASE_DOWN, database_unreachable


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('127.0.0.1', 5432)"),
        ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
        TimeoutError(),
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
        OSError(errno.EHOSTUNREACH, "No route to host"),
        OSError("Multiple exceptions: [Errno 111] Connect call failed ('::1', 5432), [Errno 111] ..."),
        FileNotFoundError(errno.ENOENT, "No such file or directory"),  # a Unix socket that is not there
    ],
)
def test_errors_that_mean_the_database_cannot_be_reached(error: OSError) -> None:
    assert database_unreachable(error)


@pytest.mark.parametrize(
    "error",
    [
        FileNotFoundError(errno.ENOENT, "No such file or directory", "static/missing.js"),
        PermissionError(errno.EACCES, "Permission denied", ".data"),
        IsADirectoryError(errno.EISDIR, "Is a directory", "static"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
)
def test_other_os_errors_are_not_the_database(error: OSError) -> None:
    assert not database_unreachable(error)


def test_a_server_that_takes_no_more_connections_is_unavailable_too() -> None:
    assert issubclass(asyncpg.TooManyConnectionsError, DATABASE_DOWN)
