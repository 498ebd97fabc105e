"""Compute: pools, jobs and their executors, the queue, quotas and cost."""
