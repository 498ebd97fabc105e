from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Host, Match

from mlplane.server.prefix_router import GatedRouter, PrefixRouter, gated


def _projects_router() -> APIRouter:
    router = APIRouter(prefix="/projects/{project}")

    @router.get("/things/{thing}")
    def get_thing(project: str, thing: str) -> dict[str, str]:
        return {"project": project, "thing": thing}

    return router


def _app(*routers: APIRouter, prefix: str = "/api/v1") -> FastAPI:
    app = FastAPI()
    api = PrefixRouter(prefix=prefix, path_prefixes=(prefix + "/",))
    for router in routers:
        api.include_router(router)
    app.include_router(api)
    return app


def _scope(path: str, method: str = "GET") -> dict[str, object]:
    return {"type": "http", "path": path, "method": method, "root_path": ""}


def test_gated_router_serves_its_routes_under_a_prefix() -> None:
    client = TestClient(_app(gated(_projects_router())))

    response = client.get("/api/v1/projects/p1/things/t1")

    assert response.status_code == 200
    assert response.json() == {"project": "p1", "thing": "t1"}


def test_gated_router_answers_wrong_method_with_405() -> None:
    client = TestClient(_app(gated(_projects_router())))

    assert client.post("/api/v1/projects/p1/things/t1").status_code == 405


def test_gated_router_rules_out_paths_none_of_its_routes_match() -> None:
    gate = gated(_projects_router())

    assert gate.matches(_scope("/api/v1/projects/p1/other/t1")) == (Match.NONE, {})
    assert gate.matches(_scope("/api/v1/projects/p1/things/t1/more")) == (Match.NONE, {})


def test_gated_routers_side_by_side_each_serve_their_own() -> None:
    other = APIRouter(prefix="/projects/{project}")

    @other.get("/others")
    def list_others(project: str) -> list[str]:
        return [project]

    client = TestClient(_app(gated(_projects_router()), gated(other)))

    assert client.get("/api/v1/projects/p1/others").json() == ["p1"]
    assert client.get("/api/v1/projects/p1/things/t").json()["thing"] == "t"
    assert client.get("/api/v1/projects/p1/missing").status_code == 404


def test_gated_router_with_a_mount_gates_by_its_prefix() -> None:
    gate = GatedRouter()
    gate.mount("/files", FastAPI())

    pattern = gate._current_gate()

    assert pattern is not None
    assert pattern.search("/files/a.txt")
    assert not pattern.search("/other/a.txt")


def test_gated_router_with_a_host_route_lets_every_path_through() -> None:
    gate = GatedRouter()
    gate.routes.append(Host("example.com", FastAPI()))

    assert gate._current_gate() is None


def test_prefix_router_rules_out_other_prefixes() -> None:
    router = PrefixRouter(path_prefixes=("/api/2.0/",))

    @router.get("/api/2.0/ping")
    def ping() -> str:
        return "pong"

    app = FastAPI()
    app.include_router(router)
    client = TestClient(app)

    assert client.get("/api/2.0/ping").json() == "pong"
    assert router.matches(_scope("/api/v1/ping")) == (Match.NONE, {})
