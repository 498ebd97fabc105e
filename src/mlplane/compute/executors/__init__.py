"""Executors run one attempt of a job somewhere: this machine, or a Ray cluster."""
