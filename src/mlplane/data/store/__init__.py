"""Queries on the data subsystem's tables; no HTTP, no rules."""
