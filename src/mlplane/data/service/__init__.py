"""The data subsystem's rules; other subsystems call these, never the store.

Entry points others use: `versions.record_consumer` (tracking notes which runs used which
version), `versions.get_profile` (drift monitoring's reference), `versions.resolve_version`,
and `sql_tables.SQL_TABLE_MODULES` (a subsystem's tables in SQL analytics).
"""
