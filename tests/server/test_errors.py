from __future__ import annotations

import mlplane


def test_unknown_route_is_404_problem(client: mlplane.Client) -> None:
    response = client.transport.http.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_wrong_method_is_405_problem(client: mlplane.Client) -> None:
    response = client.transport.http.put("/api/v1/projects")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_bad_query_parameter_names_the_field(client: mlplane.Client) -> None:
    response = client.transport.http.get("/api/v1/projects", params={"max_results": "many"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "max_results"


def test_bad_page_token_is_422(client: mlplane.Client) -> None:
    response = client.transport.http.get("/api/v1/projects", params={"page_token": "%%%"})

    assert response.status_code == 422
    assert "page_token" in response.json()["detail"]


def test_create_project_race_is_409_not_500(client: mlplane.Client) -> None:
    import threading

    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def create() -> None:
        barrier.wait()
        statuses.append(
            client.transport.http.post("/api/v1/projects", json={"name": "race"}).status_code
        )

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
