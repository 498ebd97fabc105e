"""Pipelines: steps and pipelines written in Python or YAML, run as a DAG with caching.

`mlplane.step` and `mlplane.pipeline` come from `mlplane.pipelines.dsl`; this package
stays empty so that importing one of its modules costs only that module.
"""
