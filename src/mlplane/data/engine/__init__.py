"""DuckDB at work on dataset versions: the sandbox, profiles, checks, diffs, results.

Nothing here knows of sessions, principals or HTTP: it takes tables and returns results.
"""
