"""Experiment tracking: experiments, runs, params, metrics, tags, dataset inputs, artifacts."""
