"""Runs: a turn is a task the server owns, not the request that started it.

`registry` starts, finds and cancels runs; `turn` runs one turn of the graph;
`buffer` holds a run's events for the streams that follow it; `cluster` is
everything about several server processes sharing one database.
"""
