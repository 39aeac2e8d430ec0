"""The memory of the whole `make serve` stack at rest and after a burst of packs.

Run with the app's virtualenv: `.venv/bin/python bench/stack_memory.py [--packs 20]`. It
starts the stack (deploy/serve.py: nginx, the page, letter and pack pools, Redis) on a free
port on 127.0.0.1, waits for it to settle, sums the resident memory (RSS) and the
proportional set size (PSS: shared pages divided among the processes sharing them, so
forked workers are not counted twice) of every process in it, then asks for ``--packs``
packs, ``--clients`` at a time, through nginx, waits again and sums once more.
Traffic goes only to the stack this script starts. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import serve  # noqa: E402 - after the path is set

SETTLE_SECONDS = 5
# Five places on three platforms, as `make bench` makes its pack.
CASE = {
    "schema": "takedown-case/1", "reference": "TD-7KQ2-M9XP", "jurisdiction": "england",
    "requester": {"role": "parent", "name": "Sam Taylor", "email": "sam@example.com"},
    "person": {"under_18": True, "age": 15},
    "concerns": {"shared_at_school": True},
    "locations": [{"url": f"https://example.com/p/{i}",
                   "platform": ("instagram", "snapchat", "tiktok")[i % 3],
                   "account": f"@account{i}", "description": f"Place number {i}",
                   "first_seen": "2026-11-20"} for i in range(5)],
}


def _children() -> dict[int, list[int]]:
    """Every process's children, by parent pid, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    return children


def stack_processes(stack: serve.Stack) -> list[int]:
    """The pids of every process the stack started, and their descendants."""
    children = _children()
    found, todo = [], list(stack.pids().values())
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """The summed RSS and PSS of these processes, in MB."""
    rss = pss = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                kb = int(rest.split()[0])
                rss += kb if name == "Rss" else 0
                pss += kb if name == "Pss" else 0
    return rss / 1024, pss / 1024


def one_pack(port: int) -> tuple[int, float]:
    """Ask for one pack through nginx; its status and seconds."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(serve.HOST, port, timeout=60)
    try:
        connection.request("POST", "/api/v1/letters/pack", body=json.dumps(CASE),
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def report(label: str, stack: serve.Stack) -> None:
    pids = stack_processes(stack)
    rss, pss = memory_mb(pids)
    print(f"{label:<28} {len(pids):3d} processes, RSS {rss:6.0f} MB, PSS {pss:6.0f} MB",
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with serve.Stack(env={"TAKEDOWN_RATELIMIT_API": "1000000 per minute",
                          "TAKEDOWN_RATELIMIT_PDF": "1000000 per minute"}) as stack:
        time.sleep(SETTLE_SECONDS)
        report("at rest", stack)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            answers = list(pool.map(lambda _: one_pack(stack.port), range(args.packs)))
        took = time.perf_counter() - started
        statuses = sorted({status for status, _ in answers})
        slowest = max(seconds for _, seconds in answers)
        print(f"{args.packs} packs, {args.clients} at a time: statuses {statuses}, "
              f"{took:.1f} s in all, slowest {slowest:.1f} s", flush=True)
        time.sleep(SETTLE_SECONDS)
        report(f"after {args.packs} packs", stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
