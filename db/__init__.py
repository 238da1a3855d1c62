"""Everything PostgreSQL: pools, schema, message rows, runs, the embedded server."""
