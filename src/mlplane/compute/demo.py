"""The demo's compute: priced local pool, one small job that logs a metric to its run, and
a small hyper-parameter study (the trials `mlplane tune` would submit) for the studies tab.

The platform's worker runs the jobs moments after seeding; seeding twice submits them once.
"""

from __future__ import annotations

from mlplane.client.client import Client
from mlplane.compute.schemas import Job
from mlplane.compute.tuning import trial_spec

DEMO_JOB = "hello-compute"
# Illustrative prices so the demo shows a cost; administrators set their own.
DEMO_PRICES = {"cpu_hour": 0.05, "gb_hour": 0.01, "gpu_hour": 2.5, "spot_factor": 0.3}
DEMO_SCRIPT = (
    "import mlplane, time\n"
    "with mlplane.start_run() as run:\n"
    "    for step in range(5):\n"
    "        print(f'step {step}: loss {1 / (step + 1):.3f}', flush=True)\n"
    "        mlplane.log_metric('loss', 1 / (step + 1), step=step)\n"
    "        time.sleep(0.2)\n"
    "print('done')\n"
)


def seed_job(client: Client, project: str) -> Job:
    pool = client.pools.get("local")
    if pool.prices.cpu_hour == 0 and pool.prices.gb_hour == 0:
        client.pools.update("local", prices=DEMO_PRICES)
    for job in client.jobs.list(project=project):
        if job.name == DEMO_JOB:
            return job
    return client.jobs.submit(
        project=project,
        name=DEMO_JOB,
        command=["python", "-c", DEMO_SCRIPT],
        resources={"cpu": 1, "memory": "256Mi"},
        timeout_seconds=600,
        experiment="demo-jobs",
        params={"steps": 5},
    )


DEMO_STUDY = "demo-learning-rate"
# A loss with its minimum near lr = 0.03 and depth 4, so the study page has a best trial and
# a parameter that matters more than the other.
TRIAL_SCRIPT = (
    "import math, mlplane\n"
    "from mlplane.compute.tuning import trial_params\n"
    "p = trial_params()\n"
    "loss = (math.log10(p['lr']) + 1.5) ** 2 + 0.02 * (p['depth'] - 4) ** 2 + 0.1\n"
    "with mlplane.start_run() as run:\n"
    "    mlplane.log_metric('loss', loss)\n"
    "print(f'loss {loss:.4f}')\n"
)
TRIALS = (
    {"lr": 0.001, "depth": 2},
    {"lr": 0.01, "depth": 6},
    {"lr": 0.03, "depth": 4},
    {"lr": 0.1, "depth": 3},
    {"lr": 0.3, "depth": 8},
)


def seed_study(client: Client, project: str) -> None:
    """Five trials of a learning-rate study, with the parameters an optimiser might pick."""
    if any(job.name.startswith(DEMO_STUDY) for job in client.jobs.list(project=project)):
        return
    base = {
        "command": ["python", "-c", TRIAL_SCRIPT],
        "resources": {"cpu": 1, "memory": "256Mi"},
        "timeout_seconds": 600,
        "experiment": DEMO_STUDY,
    }
    for number, params in enumerate(TRIALS):
        spec = trial_spec(base, DEMO_STUDY, number, dict(params), "loss", "minimize")
        client.jobs.submit(spec, project=project)
