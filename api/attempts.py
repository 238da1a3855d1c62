"""The brake on guessing the API key: after a few wrong keys from one address, a growing wait.

The state lives in the process: with several workers or hosts each keeps its own
count, so a guesser gets that many times the attempts (still a handful an hour).
"""

import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_FAILURES = 5
FIRST_WAIT_SECONDS = 5.0
LONGEST_WAIT_SECONDS = 900.0
# An address that has not failed for this long starts again from its free failures.
FORGET_AFTER_SECONDS = 3600.0
# Beyond this many addresses the longest-quiet ones are forgotten, so memory stays bounded.
MOST_ADDRESSES = 10_000


@dataclass
class _Record:
    failures: int = 0
    last_failure: float = 0.0
    blocked_until: float = 0.0


def client_key(address: str) -> str:
    """The unit that is counted: an IPv4 address, or an IPv6 /64 (what one subscriber holds)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class FailedAttempts:
    """Wrong keys per client address; `retry_after` says how long one must wait before the next try."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._records: dict[str, _Record] = {}

    def retry_after(self, address: str) -> int | None:
        """Whole seconds until this address may present a key again, or None if it may now."""
        record = self._records.get(client_key(address))
        if record is None:
            return None
        remaining = record.blocked_until - self._clock()
        return math.ceil(remaining) if remaining > 0 else None

    def failed(self, address: str) -> None:
        key = client_key(address)
        now = self._clock()
        record = self._records.pop(key, None) or _Record()
        if now - record.last_failure > FORGET_AFTER_SECONDS:
            record = _Record()
        record.failures += 1
        record.last_failure = now
        if record.failures >= FREE_FAILURES:
            doublings = min(record.failures - FREE_FAILURES, 16)
            record.blocked_until = now + min(FIRST_WAIT_SECONDS * 2**doublings, LONGEST_WAIT_SECONDS)
        self._records[key] = record  # re-inserted last: the dict is ordered by last failure
        if len(self._records) > MOST_ADDRESSES:
            del self._records[next(iter(self._records))]

    def succeeded(self, address: str) -> None:
        self._records.pop(client_key(address), None)
