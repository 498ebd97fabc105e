from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest

import mlplane
from mlplane.data.connectors import ConnectorError, HttpSource, ingest

TOKEN = "s3cret-api-token"
CUSTOMERS = [{"id": i, "name": f"customer {i}", "tier": ["free", "pro"][i % 2]} for i in range(7)]


class FakeApi(BaseHTTPRequestHandler):
    """A paginated JSON API that wants a bearer token: `/linked` pages by next link,
    `/numbered` by `?page=`, `/since` returns records newer than `?since=`."""

    records: ClassVar[list[dict[str, Any]]] = CUSTOMERS
    page_size = 3

    def log_message(self, *_: Any) -> None:
        pass

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(401, {"error": "bad token"})
            return
        url = urlparse(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/linked":
            offset = int(query.get("offset", 0))
            chunk = self.records[offset : offset + self.page_size]
            following = offset + self.page_size
            next_url = f"/linked?offset={following}" if following < len(self.records) else None
            self._send(200, {"data": {"items": chunk}, "next": next_url})
        elif url.path == "/numbered":
            page = int(query["page"])
            start = (page - 1) * self.page_size
            self._send(200, self.records[start : start + self.page_size])
        elif url.path == "/since":
            since = int(query.get("since", -1))
            self._send(200, [record for record in self.records if record["id"] > since])
        else:
            self._send(404, {"error": "no such path"})


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CRM_TOKEN", TOKEN)
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    FakeApi.records = CUSTOMERS


def test_ingest_follows_next_links(client: mlplane.Client, project: str, api: str) -> None:
    source = HttpSource(
        f"{api}/linked", records_path="data.items", next_path="next", auth_env="CRM_TOKEN"
    )

    version = ingest(client, project, "customers", source)

    assert version is not None
    assert version.row_count == 7
    tiers = client.sql.run(
        "SELECT tier, count(*) FROM customers GROUP BY 1 ORDER BY 1", project=project
    ).rows
    assert tiers == [["free", 4], ["pro", 3]]


def test_ingest_counts_pages_until_an_empty_one(
    client: mlplane.Client, project: str, api: str
) -> None:
    source = HttpSource(f"{api}/numbered", page_param="page", auth_env="CRM_TOKEN")

    version = ingest(client, project, "customers", source)

    assert version is not None
    assert version.row_count == 7


def test_token_is_read_from_environment_and_never_stored(
    client: mlplane.Client, project: str, api: str
) -> None:
    source = HttpSource(f"{api}/numbered", page_param="page", auth_env="CRM_TOKEN")

    ingest(client, project, "customers", source)

    [record] = client.datasets.list_ingestions("customers", project=project)
    assert record.source["auth_env"] == "CRM_TOKEN"
    assert TOKEN not in json.dumps(record.model_dump(mode="json"))
    version = client.datasets.get_version("customers", project=project)
    assert TOKEN not in version.model_dump_json()


def test_wrong_token_fails_and_creates_nothing(
    client: mlplane.Client, project: str, api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_TOKEN", "wrong")

    with pytest.raises(ConnectorError, match="HTTP 401"):
        ingest(
            client,
            project,
            "customers",
            HttpSource(f"{api}/numbered", page_param="page", auth_env="CRM_TOKEN"),
        )

    assert client.datasets.get("customers", project=project).version_count == 0


def test_ingest_appends_records_past_the_cursor(
    client: mlplane.Client, project: str, api: str
) -> None:
    source = HttpSource(
        f"{api}/since", auth_env="CRM_TOKEN", cursor_field="id", cursor_param="since"
    )
    FakeApi.records = CUSTOMERS[:4]
    first = ingest(client, project, "customers", source)
    FakeApi.records = CUSTOMERS

    second = ingest(client, project, "customers", source)
    third = ingest(client, project, "customers", source)

    assert first is not None
    assert second is not None
    assert (first.row_count, second.row_count, third) == (4, 7, None)
