"""What the live-stack tests share: raw HTTP to nginx from a chosen loopback address.

Every visitor is 127.0.0.1 on this machine, so a test that counts rate limits or
connections per client sends from its own address in 127.0.0.0/8 (Linux routes the whole
block to loopback), and nginx sees a different visitor.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass

from deploy import serve
from tests.helpers import a_letter_case

_next_address = [10]
_address_lock = threading.Lock()


def new_visitor() -> str:
    """A loopback address no other test in this run has sent from."""
    with _address_lock:
        _next_address[0] += 1
        n = _next_address[0]
    return f"127.0.{n // 250 + 1}.{n % 250 + 1}"


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


def fetch(url: str, method: str = "GET", path: str = "/", body: bytes | None = None,
          headers: dict | None = None, source: str = "127.0.0.1", timeout: float = 60) -> Answer:
    """One request to the stack at url (http://127.0.0.1:port), from the address source."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout,
                                            source_address=(source, 0))
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data,
                      time.monotonic() - started)
    finally:
        connection.close()


def raw(url: str, data: bytes, timeout: float = 15) -> bytes:
    """Send bytes as they are; return everything the server answers until it closes."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return answer


def status_of(answer: bytes) -> int | None:
    """The status code of the first response in raw bytes, or None if there was none."""
    line = answer.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) >= 2 and line[0].startswith(b"HTTP/") else None


def letter(url: str, source: str = "127.0.0.1", kind: str = "iwf", timeout: float = 60) -> Answer:
    """Ask the API for one letter."""
    return fetch(url, "POST", f"/api/v1/letters/{kind}", json.dumps(a_letter_case()).encode(),
                 {"Content-Type": "application/json"}, source=source, timeout=timeout)


def page(url: str, source: str = "127.0.0.1", path: str = "/platforms/instagram",
         timeout: float = 30) -> Answer:
    return fetch(url, path=path, source=source, timeout=timeout)


def kill(stack: serve.Stack) -> None:
    """End a stack at once (SIGKILL); fail if any process of it or its run directory is left."""
    # For module stacks, whose tests are not about stopping: stopping gently is make serve's
    # own test's, and stopping an instance the two-instance test's. Every process of the stack
    # is in supervisord's session. All are frozen first (SIGSTOP), so no master starts a worker
    # meanwhile, and supervisord is killed last: while it lives no process group under it is
    # orphaned, which would have the kernel wake a frozen master with SIGHUP (for nginx and
    # gunicorn a reload: new workers) and SIGCONT.
    supervisor = stack.supervisor.pid
    os.kill(supervisor, signal.SIGSTOP)
    frozen: set[int] = set()
    while found := in_session(supervisor) - frozen - {supervisor}:
        for pid in found:
            _signal(pid, signal.SIGSTOP)
        frozen |= found
    for pid in frozen:
        _signal(pid, signal.SIGKILL)
    _wait_until(lambda: not any(alive(pid) for pid in frozen))
    _signal(supervisor, signal.SIGKILL)
    stack.stop()
    _wait_until(lambda: not in_session(supervisor))
    assert not in_session(supervisor), f"processes of the stack left: {in_session(supervisor)}"
    assert not stack.run.exists()


def in_session(sid: int) -> set[int]:
    """The live processes (not zombies) in session sid."""
    return {pid for pid, fields in serve.process_stats().items()
            if fields[0] != "Z" and int(fields[3]) == sid}


def _wait_until(done, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.02)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def alive(pid: int) -> bool:
    """Whether pid is a process that has not exited (a zombie has)."""
    fields = serve.stat_fields(pid)
    return fields is not None and fields[0] != "Z"
