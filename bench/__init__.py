"""The benchmark: `python -m bench` (see README, section Benchmark)."""
