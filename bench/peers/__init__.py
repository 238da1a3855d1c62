"""Other servers of the same graph, for `python -m bench --peers`."""
