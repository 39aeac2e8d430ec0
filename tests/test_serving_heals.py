"""nginx killed (SIGKILL) under load loses nothing it had not taken in: its worker finishes
what it holds, and the new master takes over the same listening sockets, so no connection is
refused or reset while supervisord starts it again (deploy/launch.py)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from bench.clients import Prober
from deploy import serve


@pytest.fixture(scope="module")
def stack():
    with serve.Stack(page_workers=2, letter_workers=1) as running:
        yield running


def new_master(stack, old: int, seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pid = stack.pid("nginx")
        if pid not in (0, old) and stack.control("getProcessInfo", "nginx")["statename"] \
                == "RUNNING":
            return pid
        time.sleep(0.05)
    raise AssertionError(f"no new nginx master within {seconds} s")


def test_nginx_killed_twice_under_load_loses_no_page(stack):
    mark = len(stack.logs)
    with Prober(stack.port, gap=0.005) as pages:
        time.sleep(0.5)
        for _ in range(2):
            old = stack.pid("nginx")
            os.kill(old, signal.SIGKILL)
            new_master(stack, old)
            time.sleep(1)
    failed = [answer for answer in pages.results if answer[0] != 200]
    assert len(pages.results) > 100
    assert not failed, failed[:5]
    handed = [line for line in stack.logs[mark:] if "using inherited sockets" in line]
    assert len(handed) == 2, "\n".join(stack.logs[mark:][-20:])
    # The old worker went once it had answered what it held: one master, with one worker.
    master = stack.pid("nginx")
    time.sleep(1)
    table = serve.process_table()
    under_supervisor = [pid for pid, (parent, _) in table.items()
                        if parent == stack.supervisor.pid and name(pid) == "nginx"]
    assert under_supervisor == [master]
    assert len([pid for pid, (parent, _) in table.items() if parent == master]) == 1


def name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""
