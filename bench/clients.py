"""Plain HTTP clients for `make load`: one request, a letter, a page asked for every 50 ms,
clients that ask again and again until told to stop, and requests sent all at once.

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


def asking(ask, answers: list, gap: float = 0, after_refusal: float = 0,
           refusals: tuple | None = None):
    """A client's loop for Clients: ask() (a request: status, seconds) again and again until
    stopped, keeping (status, seconds, when it was sent) of each; wait gap after each answer,
    and after_refusal after a refusal (a status in refusals, or anything but 200)."""

    def loop(stop: threading.Event) -> None:
        while not stop.is_set():
            sent = time.monotonic()
            status, seconds = ask()
            answers.append((status, seconds, sent))
            refused = status in refusals if refusals is not None else status != 200
            stop.wait(max(gap, after_refusal) if refused else gap)

    return loop


class Clients:
    """Each loop(stop) in a thread of its own while the block runs; at its end, stop is set
    and every thread joined."""

    def __init__(self, *loops, join_timeout: float = 60):
        self.stop = threading.Event()
        self.join_timeout = join_timeout
        self._threads = [threading.Thread(target=loop, args=(self.stop,), daemon=True)
                         for loop in loops]

    def __enter__(self) -> Clients:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=self.join_timeout)


class Prober(Clients):
    """Asks for a page every `gap` seconds in a thread; keeps (status, seconds, when sent) of
    each."""

    def __init__(self, port: int, path: str = PAGE, gap: float = 0.05, source: str = HOST):
        self.results: list[tuple[int | str, float, float]] = []
        super().__init__(asking(lambda: request(port, "GET", path, timeout=30, source=source),
                                self.results, gap=gap))

    def p95_ms(self) -> float:
        return percentile(sorted(s for _, s, _ in self.results), 95) * 1000

    def failed(self) -> int:
        return sum(1 for status, _, _ in self.results if status != 200)

    def served_share(self) -> float:
        return 1 - self.failed() / max(1, len(self.results))


def at_once(count: int, call) -> list:
    """Run call(i) in count threads started together; return the results in order (the
    exception where one was raised, None where one had not returned within two minutes)."""
    results: list = [None] * count
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        try:
            results[i] = call(i)
        except Exception as error:  # noqa: BLE001 - the caller reports what went wrong
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def all_at_once(count: int, ask) -> list[tuple[int | str, float]]:
    """count requests (ask(): status, seconds) sent at the same moment; each answer in order,
    (the error's name or "no answer", 0.0) for one that brought none."""
    return [answer if isinstance(answer, tuple) else
            (type(answer).__name__ if answer is not None else "no answer", 0.0)
            for answer in at_once(count, lambda i: ask())]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return float("nan")
    rank = max(1, -(-len(values) * p // 100))
    return values[int(rank) - 1]
