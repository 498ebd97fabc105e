"""Queries on tracking's tables; no HTTP, no rules."""
