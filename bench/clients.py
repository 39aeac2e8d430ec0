"""Plain HTTP clients for `make load`: one request, a letter, a page asked for every 50 ms.

Every request goes to 127.0.0.1 (the stack bench/load.py started), from a chosen loopback
address (Linux routes all of 127.0.0.0/8 to loopback), so a stage can be one visitor
among many: 127.0.0.1 is make load's own load generator, which the stack leaves unlimited.
"""

from __future__ import annotations

import http.client
import json
import threading
import time

HOST = "127.0.0.1"
PAGE = "/platforms/instagram"


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None, timeout: float = 40,
            source: str = HOST) -> tuple[int | str, float]:
    """One request from the address source; (status or the error's name, seconds)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout,
                                            source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__, time.monotonic() - started
    finally:
        connection.close()


LETTER_CASE = json.dumps({
    "schema": "takedown-case/1", "reference": "TD-7KQ2-M9XP", "jurisdiction": "england",
    "requester": {"role": "parent", "name": "Sam Carter", "email": "sam@example.com"},
    "person": {"under_18": True, "age": 14},
    "locations": [{"platform": "instagram", "account": "@someone"},
                  {"url": "https://www.tiktok.com/@x/video/1"}],
}).encode()


def letter(port: int, kind: str = "platform", timeout: float = 40, source: str = HOST,
           case: bytes = LETTER_CASE, accept: str = "application/pdf") -> tuple[int | str, float]:
    """One letter from the API (a platform letter for Instagram, or another kind)."""
    path = "/api/v1/letters/platform?platform=instagram" if kind == "platform" else \
        f"/api/v1/letters/{kind}"
    return request(port, "POST", path, case, {"Content-Type": "application/json",
                                              "Accept": accept},
                   timeout=timeout, source=source)


class Prober:
    """Asks for a page every `gap` seconds in a thread; keeps (status, seconds) of each."""

    def __init__(self, port: int, path: str = PAGE, gap: float = 0.05, source: str = HOST):
        self.port, self.path, self.gap, self.source = port, path, gap, source
        self.results: list[tuple[int | str, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.results.append(request(self.port, "GET", self.path, timeout=30,
                                        source=self.source))
            self._stop.wait(self.gap)

    def __enter__(self) -> Prober:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def p95_ms(self) -> float:
        return percentile(sorted(s for _, s in self.results), 95) * 1000

    def failed(self) -> int:
        return sum(1 for status, _ in self.results if status != 200)

    def served_share(self) -> float:
        return 1 - self.failed() / max(1, len(self.results))


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return float("nan")
    rank = max(1, -(-len(values) * p // 100))
    return values[int(rank) - 1]
