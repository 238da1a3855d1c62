"""The garbage collector's part in a turn's cost: what the server built at start-up is never scanned again.

Python's cyclic collector runs after every few hundred allocations, and a
streamed turn allocates tens of thousands of objects; each full collection
walks every tracked object, the quarter-million the server holds once its
graph, pools and libraries are loaded. Measured under load (`python -m bench
--only throughput`, concurrency 10), collections took about a tenth of the
server's CPU, and each full one stalled every stream for tens of milliseconds.
`gc.freeze()` moves what exists at the end of start-up to a permanent
generation that collections skip (it is still freed when unreferenced);
objects made later are collected as before.
"""

import gc


def freeze_startup_objects() -> None:
    """Collect once, then exempt everything that survived start-up from later collections."""
    gc.collect()
    gc.freeze()
