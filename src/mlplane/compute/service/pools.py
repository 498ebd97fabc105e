"""Compute pools: where jobs run, what they offer, what they cost."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from mlplane.compute import store
from mlplane.compute.schemas import (
    Pool,
    PoolCreate,
    PoolKind,
    PoolUpdate,
    Prices,
    ResourceAmounts,
    parse_memory,
)
from mlplane.compute.service.machine import machine_capacity
from mlplane.compute.tables import ComputePoolRow, JobRow
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal

DEFAULT_POOL = "local"


def _memory(value: str | int, field: str) -> int:
    try:
        return parse_memory(value)
    except ValueError as error:
        raise InvalidInput(f"{field}: {error}") from None


def _add_pool(session: Session, data: PoolCreate) -> ComputePoolRow:
    if data.kind is PoolKind.RAY:
        if not data.address:
            raise InvalidInput("address: a ray pool needs the address of its Ray dashboard")
        if data.cpus is None or data.memory is None:
            raise InvalidInput("cpus: a ray pool needs its capacity (cpus and memory)")
    machine = machine_capacity()
    now = utcnow()
    row = ComputePoolRow(
        id=new_id(),
        name=data.name,
        kind=data.kind.value,
        description=data.description,
        address=data.address,
        cpus=data.cpus if data.cpus is not None else machine.cpus,
        memory_bytes=(
            _memory(data.memory, "memory") if data.memory is not None else machine.memory_bytes
        ),
        gpus=data.gpus if data.gpus is not None else machine.gpus,
        custom=dict(data.custom),
        price_cpu_hour=data.prices.cpu_hour,
        price_gb_hour=data.prices.gb_hour,
        price_gpu_hour=data.prices.gpu_hour,
        spot_factor=data.prices.spot_factor,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def ensure_default_pool(session: Session) -> ComputePoolRow:
    """The embedded `local` pool, sized from this machine on first use."""
    row = store.get_pool_by_name(session, DEFAULT_POOL)
    if row is None:
        row = _add_pool(
            session,
            PoolCreate(
                name=DEFAULT_POOL,
                kind=PoolKind.LOCAL,
                description="Processes on the worker's machine.",
            ),
        )
    return row


def find_pool(session: Session, name: str) -> ComputePoolRow | None:
    row = store.get_pool_by_name(session, name)
    if row is None and name == DEFAULT_POOL:
        row = ensure_default_pool(session)
    return row


def pool_row(session: Session, name: str) -> ComputePoolRow:
    row = find_pool(session, name)
    if row is None:
        raise NotFound(f"pool {name!r} does not exist")
    return row


def capacity(pool: ComputePoolRow) -> ResourceAmounts:
    return ResourceAmounts(
        cpus=pool.cpus, memory_bytes=pool.memory_bytes, gpus=pool.gpus, custom=dict(pool.custom)
    )


def used_by(rows: Sequence[JobRow]) -> ResourceAmounts:
    custom: dict[str, float] = {}
    for job in rows:
        for key, amount in job.spec.get("resources", {}).get("custom", {}).items():
            custom[key] = custom.get(key, 0.0) + float(amount)
    return ResourceAmounts(
        cpus=sum(job.cpus for job in rows),
        memory_bytes=sum(job.memory_bytes for job in rows),
        gpus=sum(job.gpus for job in rows),
        jobs=len(rows),
        custom=custom,
    )


def pool_view(session: Session, row: ComputePoolRow) -> Pool:
    total = capacity(row)
    used = used_by(store.running_jobs(session, pool_id=row.id))
    free = ResourceAmounts(
        cpus=max(0.0, total.cpus - used.cpus),
        memory_bytes=max(0, total.memory_bytes - used.memory_bytes),
        gpus=max(0, total.gpus - used.gpus),
        custom={
            key: max(0.0, value - used.custom.get(key, 0.0)) for key, value in total.custom.items()
        },
    )
    return Pool(
        name=row.name,
        kind=PoolKind(row.kind),
        description=row.description,
        address=row.address,
        capacity=total,
        used=used,
        free=free,
        prices=Prices(
            cpu_hour=row.price_cpu_hour,
            gb_hour=row.price_gb_hour,
            gpu_hour=row.price_gpu_hour,
            spot_factor=row.spot_factor,
        ),
        queued_jobs=store.count_queued(session, row.id),
        created_at=row.created_at,
    )


def create_pool(session: Session, principal: Principal, data: PoolCreate) -> Pool:
    governance.require_admin(principal)
    if store.get_pool_by_name(session, data.name) is not None:
        raise Conflict(f"pool {data.name!r} already exists")
    return pool_view(session, _add_pool(session, data))


def list_pools(session: Session, principal: Principal) -> list[Pool]:
    del principal  # every signed-in caller may see where jobs can run
    ensure_default_pool(session)
    return [pool_view(session, row) for row in store.list_pools(session)]


def get_pool(session: Session, principal: Principal, name: str) -> Pool:
    del principal
    return pool_view(session, pool_row(session, name))


def update_pool(session: Session, principal: Principal, name: str, data: PoolUpdate) -> Pool:
    governance.require_admin(principal)
    row = pool_row(session, name)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "memory" in changes:
        row.memory_bytes = _memory(changes.pop("memory"), "memory")
    if data.prices is not None:
        changes.pop("prices")
        row.price_cpu_hour = data.prices.cpu_hour
        row.price_gb_hour = data.prices.gb_hour
        row.price_gpu_hour = data.prices.gpu_hour
        row.spot_factor = data.prices.spot_factor
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.flush()
    return pool_view(session, row)
