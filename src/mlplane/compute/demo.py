"""The demo's compute: priced local pool and one small job that logs a metric to its run.

The platform's worker runs the job moments after seeding; seeding twice submits it once.
"""

from __future__ import annotations

from mlplane.client.client import Client
from mlplane.compute.schemas import Job

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
