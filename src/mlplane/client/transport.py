"""One httpx client, over the network or over the app in-process."""

from __future__ import annotations

from typing import Any

import httpx

from mlplane.client.errors import ApiError, ConnectionFailed
from mlplane.client.resolve import Target, resolve_target

DEFAULT_TIMEOUT = 60.0


def _in_process_client(target: Target, timeout: float) -> httpx.Client:
    # The one place the SDK reaches into the server: when no platform runs, it hosts the app.
    from mlplane.client.in_process import in_process_client

    return in_process_client(target.home, timeout)


class Transport:
    def __init__(self, target: Target, timeout: float = DEFAULT_TIMEOUT) -> None:
        if target.url:
            # An idle connection is reused only well within the server's keep-alive, so a
            # request never races the server closing it ("disconnected without a response").
            self.http = httpx.Client(
                base_url=target.url, timeout=timeout, limits=httpx.Limits(keepalive_expiry=2.0)
            )
        else:
            self.http = _in_process_client(target, timeout)
            # Hosting the app prepared the home, so its administrator token exists now.
            target = resolve_target(None, target.token, target.home, in_process=True)
        self.target = target
        self.base_url = str(self.http.base_url).rstrip("/")
        self.http.headers["User-Agent"] = "mlplane-sdk"
        if target.token:
            self.http.headers["Authorization"] = f"Bearer {target.token}"

    @property
    def in_process(self) -> bool:
        return self.target.url is None

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise ConnectionFailed(self.base_url, str(error) or type(error).__name__) from error
        if response.status_code >= 400:
            raise _error_from(response)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def close(self) -> None:
        self.http.close()


def _error_from(response: httpx.Response) -> ApiError:
    try:
        problem = response.json()
    except ValueError:
        return ApiError(response.status_code, response.text[:500] or response.reason_phrase)
    if isinstance(problem, dict):
        detail = problem.get("detail") or problem.get("message") or problem.get("title")
        return ApiError(response.status_code, str(detail), problem)
    return ApiError(response.status_code, str(problem))
