"""The garbage collector's part in a turn's cost: what the server built at start-up is never scanned
again, and young objects are scanned after 20,000 allocations instead of 700.

Python's cyclic collector runs after every few hundred allocations, and a
streamed turn allocates tens of thousands of objects (LangChain builds several
per token); each full collection walks every tracked object, the quarter-million
the server holds once its graph, pools and libraries are loaded. Measured under
load (`python -m bench --only throughput`, concurrency 10), collections took
about a tenth of the server's CPU, and each full one stalled every stream for
tens of milliseconds. `gc.freeze()` moves what exists at the end of start-up to
a permanent generation that collections skip (it is still freed when
unreferenced); objects made later are collected as before.

Nearly everything a turn allocates is freed by reference counting, not by the
collector, so the default young-generation threshold (700) only makes it scan
live objects again and again: with 50 turns at once, every token's objects are
seen by several young and older collections. At 20,000, server CPU per turn
fell by 12-15% at concurrency 10 and 50 (A/B of two servers in one run,
bench/load.py against the same stand-in). The price is a longer pause when one
runs: a young collection takes 8-10 ms here, most of it freeing the 10-12
thousand objects in reference cycles that LangChain's and LangGraph's turns
leave behind, a few times per hundred turns (0.7% of the server's CPU over 400
turns at concurrency 10, measured with a `gc.callbacks` probe); an older
generation's collection, rarer still, takes tens of milliseconds more.
"""

import gc

YOUNG_THRESHOLD = 20_000


def freeze_startup_objects() -> None:
    """Collect once, exempt everything that survived start-up from later collections, and make
    young collections rarer."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
